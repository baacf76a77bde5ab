package dev.gridqueue.cli;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Says, while a node waits to join the grid, what it waits for: an Ignite client node waits for a
 * server without a word, and a worker pointed at the wrong address would look hung.
 */
final class JoinWatch implements AutoCloseable {
  private final ScheduledExecutorService timer;

  private JoinWatch(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  static JoinWatch every(Duration period, String where) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "gridqueue-join-watch");
              t.setDaemon(true);
              return t;
            });
    long started = System.nanoTime();
    timer.scheduleAtFixedRate(
        () ->
            System.out.printf(
                "gridqueue worker: still waiting for a grid server at %s (%d s); is `gridqueue"
                    + " server` running with its discovery port in that range (--grid)?%n",
                where, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)),
        period.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
    return new JoinWatch(timer);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
