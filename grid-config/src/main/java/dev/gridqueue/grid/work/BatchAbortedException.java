package dev.gridqueue.grid.work;

/**
 * The batch was interrupted (its job cancelled: the scheduler that sent it left the grid). Its
 * results are not written, so the batch stays queued and the scheduler runs it again.
 */
public final class BatchAbortedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BatchAbortedException(String message) {
    super(message);
  }
}
