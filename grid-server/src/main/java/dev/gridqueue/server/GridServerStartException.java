package dev.gridqueue.server;

/**
 * A grid server could not start for a reason its operator must fix (a port taken, an address that
 * cannot be bound); the message says which, in one line.
 */
public final class GridServerStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public GridServerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
