package dev.gridqueue.worker.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Interrupts a thread that runs past a deadline (a task past its maximum running time, a batch past
 * its fast-abort limit). One daemon timer thread for the JVM; a watch costs a schedule and a
 * cancel, and only runs when a limit is set.
 */
final class Watchdog {
  private static final ScheduledThreadPoolExecutor TIMER =
      new ScheduledThreadPoolExecutor(
          1,
          r -> {
            Thread t = new Thread(r, "gridqueue-watchdog");
            t.setDaemon(true);
            return t;
          });

  static {
    TIMER.setRemoveOnCancelPolicy(true);
  }

  /** A running watch; {@link #fired()} tells whether the deadline passed. */
  static final class Watch implements AutoCloseable {
    private final Thread thread;
    private volatile boolean fired;
    private volatile boolean closed;
    private ScheduledFuture<?> timer;

    private Watch(Thread thread) {
      this.thread = thread;
    }

    boolean fired() {
      return fired;
    }

    private synchronized void fire() {
      if (!closed) {
        fired = true;
        thread.interrupt();
      }
    }

    @Override
    public synchronized void close() {
      closed = true;
      if (timer != null) {
        timer.cancel(false);
      }
    }
  }

  /** Watches the calling thread; null when {@code nanos} is 0 (no limit). */
  static Watch watch(long nanos) {
    if (nanos <= 0) {
      return null;
    }
    Watch w = new Watch(Thread.currentThread());
    w.timer = TIMER.schedule(w::fire, nanos, TimeUnit.NANOSECONDS);
    return w;
  }

  /**
   * Runs {@code check} every {@code millis} on the timer thread until the returned future is
   * cancelled; a check that throws is logged by nobody and tried again next time.
   */
  static ScheduledFuture<?> every(long millis, Runnable check) {
    return TIMER.scheduleWithFixedDelay(
        () -> {
          try {
            check.run();
          } catch (RuntimeException e) {
            // a cache read failing while the node stops: the next look decides
          }
        },
        millis,
        millis,
        TimeUnit.MILLISECONDS);
  }

  private Watchdog() {}
}
