package dev.gridqueue.client;

import io.grpc.Status;

/** A call the grid refused or could not complete; {@link #status()} says why. */
public final class GridQueueException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Status status;

  public GridQueueException(Status status) {
    super(status.getCode() + ": " + status.getDescription(), status.getCause());
    this.status = status;
  }

  public Status status() {
    return status;
  }
}
