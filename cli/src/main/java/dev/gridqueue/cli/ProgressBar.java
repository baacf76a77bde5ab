package dev.gridqueue.cli;

import java.io.PrintStream;

/** A one-line progress bar; on a non-terminal it prints a line every tenth instead. */
final class ProgressBar {
  private static final int WIDTH = 40;

  private final PrintStream out;
  private final long total;
  private final boolean terminal;
  private int lastShown = -1;

  ProgressBar(PrintStream out, long total, boolean terminal) {
    this.out = out;
    this.total = total;
    this.terminal = terminal;
  }

  void update(long done, String detail) {
    int percent = (int) (100 * done / Math.max(1, total));
    if (terminal) {
      if (percent == lastShown && done != total) {
        return;
      }
      int filled = percent * WIDTH / 100;
      out.printf(
          "\r[%s%s] %3d%% %d/%d %s",
          "#".repeat(filled), ".".repeat(WIDTH - filled), percent, done, total, detail);
      if (done == total) {
        out.println();
      }
    } else if (percent / 10 != lastShown / 10 || done == total) {
      out.printf("%3d%% %d/%d %s%n", percent, done, total, detail);
    }
    out.flush();
    lastShown = percent;
  }
}
