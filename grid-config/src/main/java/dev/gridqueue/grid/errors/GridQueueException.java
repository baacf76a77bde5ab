package dev.gridqueue.grid.errors;

/** A request gridqueue refuses, with a message for the client. Mapped to a gRPC status in one place. */
public abstract class GridQueueException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected GridQueueException(String message) {
    super(message);
  }
}
