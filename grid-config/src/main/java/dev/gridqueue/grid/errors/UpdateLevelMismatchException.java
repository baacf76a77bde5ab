package dev.gridqueue.grid.errors;

/** An update whose level is not the latest level plus one. */
public final class UpdateLevelMismatchException extends RequestRejectedException {
  private static final long serialVersionUID = 1L;

  public UpdateLevelMismatchException(int expected, int got) {
    super("update level mismatch: expected " + expected + ", got " + got);
  }
}
