package dev.gridqueue.worker;

/**
 * A worker's task handlers could not be set up, so the worker does not start: the handlers
 * directory is missing, a jar in it cannot be read or declares no handler, two handlers claim one
 * app id, or an app the worker is told to serve has no handler. The message says which and names
 * the files involved; it is meant for the person starting the worker, as is.
 */
public final class HandlerLoadException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public HandlerLoadException(String message) {
    super(message);
  }

  public HandlerLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
