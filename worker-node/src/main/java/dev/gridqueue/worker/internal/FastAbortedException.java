package dev.gridqueue.worker.internal;

/** The batch ran longer than its fast-abort limit and was stopped; it will run elsewhere. */
public final class FastAbortedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FastAbortedException(String message) {
    super(message, null, false, false);
  }
}
