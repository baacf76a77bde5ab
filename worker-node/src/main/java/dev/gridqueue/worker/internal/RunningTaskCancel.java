package dev.gridqueue.worker.internal;

import dev.gridqueue.grid.store.CancelSet;
import dev.gridqueue.proto.v1.Message;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;

/**
 * Interrupts the batch's thread when the client cancels the handler task it is running, so a
 * cancelled long task ends at once (as {@code RESULT_CANCELLED}) instead of running to its end. One
 * per batch, not per task: a periodic look at the session's cancellations every {@link
 * #POLL_MILLIS} while a handler task runs ({@link Watchdog}'s timer thread), nothing per task but
 * two uncontended locks.
 */
final class RunningTaskCancel implements AutoCloseable {
  /** How often the running task's cancellation is looked for (as a command's is). */
  static final long POLL_MILLIS = 50;

  private final Thread thread;
  private final Supplier<CancelSet> cancellations;
  private final ScheduledFuture<?> poll;
  private Message running;
  private boolean fired;

  private RunningTaskCancel(Thread thread, Supplier<CancelSet> cancellations) {
    this.thread = thread;
    this.cancellations = cancellations;
    this.poll = Watchdog.every(POLL_MILLIS, this::check);
  }

  /** Watches the calling thread's handler tasks against {@code cancellations} (thread-safe). */
  static RunningTaskCancel watch(Supplier<CancelSet> cancellations) {
    return new RunningTaskCancel(Thread.currentThread(), cancellations);
  }

  /** The batch's thread starts running {@code task}. */
  synchronized void begin(Message task) {
    running = task;
    fired = false;
  }

  /**
   * The batch's thread ended its task; whether it was interrupted because the client cancelled it
   * (that interrupt is then cleared: it was ours, not the node's). Idempotent.
   */
  synchronized boolean end() {
    running = null;
    boolean cancelled = fired;
    fired = false; // a second end() of the same task answers false
    if (cancelled) {
      Thread.interrupted();
    }
    return cancelled;
  }

  private synchronized void check() {
    Message task = running;
    if (task != null && !fired && cancellations.get().cancels(task.getId(), task.getTag())) {
      fired = true;
      thread.interrupt();
    }
  }

  @Override
  public void close() {
    poll.cancel(false);
  }
}
