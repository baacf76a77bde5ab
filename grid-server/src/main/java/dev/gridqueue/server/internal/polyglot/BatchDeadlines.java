package dev.gridqueue.server.internal.polyglot;

import dev.gridqueue.client.ContractLimits;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * How long a polyglot worker may hold a batch before the grid takes it back, and the timer that
 * does it. A worker that takes batches and never answers (hung, or withholding results) would
 * otherwise hold them for as long as it stays connected.
 *
 * <p>The deadline of a batch of a session that sets {@code max_task_running_time} is that time ×
 * the tasks sent + {@link ContractLimits#POLYGLOT_BATCH_DEADLINE_GRACE} (a worker that honours the
 * limit always answers in time, even running the tasks one after another); of any other batch, the
 * server's {@code --worker-batch-deadline-s} (default {@link
 * ContractLimits#POLYGLOT_BATCH_DEADLINE_DEFAULT}). The clock starts when the batch is handed to
 * the worker's lane, so a worker that never opens its WorkerStream loses its batches too.
 */
final class BatchDeadlines implements AutoCloseable {
  private final Duration fallback;
  private final ScheduledThreadPoolExecutor timer;

  BatchDeadlines(Duration fallback) {
    if (fallback.isNegative() || fallback.isZero()) {
      throw new IllegalArgumentException("worker batch deadline must be positive, got " + fallback);
    }
    this.fallback = fallback;
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "gridqueue-polyglot-deadlines");
              t.setDaemon(true);
              return t;
            });
    // A batch answered in time drops its timer (and the batch it refers to) at once.
    timer.setRemoveOnCancelPolicy(true);
  }

  /**
   * The deadline of a batch of {@code tasks} tasks, each allowed {@code maxTaskNanos} (0: none).
   */
  static Duration of(long maxTaskNanos, int tasks, Duration fallback) {
    if (maxTaskNanos <= 0) {
      return fallback;
    }
    long graceNanos = ContractLimits.POLYGLOT_BATCH_DEADLINE_GRACE.toNanos();
    long nanos;
    try {
      nanos = Math.addExact(Math.multiplyExact(maxTaskNanos, Math.max(1, tasks)), graceNanos);
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE; // centuries: no deadline in practice, as the session asked
    }
    return Duration.ofNanos(nanos);
  }

  /**
   * Runs {@code onExpiry} with the deadline once it has passed, unless {@code answered} completes
   * first.
   */
  void watch(
      long maxTaskNanos,
      int tasks,
      CompletableFuture<?> answered,
      java.util.function.Consumer<Duration> onExpiry) {
    Duration deadline = of(maxTaskNanos, tasks, fallback);
    ScheduledFuture<?> expiry =
        timer.schedule(() -> onExpiry.accept(deadline), deadline.toNanos(), TimeUnit.NANOSECONDS);
    answered.whenComplete((r, e) -> expiry.cancel(false));
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
