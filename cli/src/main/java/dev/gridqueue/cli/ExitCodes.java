package dev.gridqueue.cli;

/** What {@code gridqueue} exits with, for scripts (README "Exit codes" lists them). */
final class ExitCodes {
  /** The command did what was asked; every task ended with a result. */
  static final int OK = 0;

  /** The work failed: tasks failed, were dead-lettered or never ended; the grid refused a call. */
  static final int FAILED = 1;

  /** A bad option or address (picocli's usage code). */
  static final int USAGE = 2;

  /** No grid node answered at the given address, or a server could not bind its ports. */
  static final int UNAVAILABLE = 3;

  private ExitCodes() {}
}
