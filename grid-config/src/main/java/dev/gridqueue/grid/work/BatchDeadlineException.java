package dev.gridqueue.grid.work;

/**
 * The worker held the batch past its deadline without answering (a polyglot worker that hung or
 * withholds results): the batch was taken back from it, its results are not written, and the
 * scheduler runs it again on another worker, counted as an attempt. A late answer from the worker
 * is ignored.
 */
public final class BatchDeadlineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BatchDeadlineException(String message) {
    super(message);
  }
}
