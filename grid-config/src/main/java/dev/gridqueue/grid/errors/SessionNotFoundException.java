package dev.gridqueue.grid.errors;

/** The request names a session that does not exist, or no longer does. */
public final class SessionNotFoundException extends RequestRejectedException {
  private static final long serialVersionUID = 1L;

  public SessionNotFoundException(String sessionId) {
    super("session " + sessionId + " not found (unknown or closed)");
  }
}
