package dev.gridqueue.grid.errors;

/**
 * A call by an authenticated caller on something that is not theirs (a session another API key
 * created, a worker id registered by another key). The message names what was refused, never a key.
 */
public final class PermissionDeniedException extends RequestRejectedException {
  private static final long serialVersionUID = 1L;

  public PermissionDeniedException(String message) {
    super(message);
  }
}
