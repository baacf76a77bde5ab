package dev.gridqueue.client.internal;

import dev.gridqueue.client.GridQueueException;
import dev.gridqueue.client.TaskResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where ended tasks wait for the caller, in the order they ended, followed by the session's end.
 * Unbounded, so a transport thread never waits for the caller. The caller's timeouts are real time:
 * they are waits on this queue, not on the session's failover clock.
 */
public final class Inbox {
  private static final Object END = new Object();

  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private volatile GridQueueException failure;
  private final java.util.concurrent.atomic.AtomicLong taken =
      new java.util.concurrent.atomic.AtomicLong();

  /** Ended tasks handed to the caller so far. */
  public long taken() {
    return taken.get();
  }

  public void add(TaskResult result) {
    queue.add(result);
  }

  /** The session ended: with {@code failure}, or normally if null. Called once. */
  public void end(GridQueueException failure) {
    this.failure = failure;
    queue.add(END);
  }

  /** The failure the session ended with, or null. */
  public GridQueueException failure() {
    return failure;
  }

  /** The next ended task, waiting as long as needed; null once the session has ended. */
  public TaskResult take() throws InterruptedException {
    return unwrap(queue.take());
  }

  /** The next ended task, or null if none comes within {@code timeout} or the session ended. */
  public TaskResult poll(Duration timeout) throws InterruptedException {
    Object next = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    return next == null ? null : unwrap(next);
  }

  /** Waits for {@code count} ended tasks. */
  public List<TaskResult> awaitResults(int count, Duration timeout)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<TaskResult> results = new ArrayList<>(count);
    while (results.size() < count) {
      long left = deadline - System.nanoTime();
      Object next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
      if (next == null) {
        throw new TimeoutException(
            "got " + results.size() + " of " + count + " results in " + timeout);
      }
      TaskResult r = unwrap(next);
      if (r == null) {
        throw new IllegalStateException(
            "stream ended after " + results.size() + " of " + count + " results");
      }
      results.add(r);
    }
    return results;
  }

  private TaskResult unwrap(Object next) {
    if (next == END) {
      queue.add(END); // keep the end visible to every later caller
      GridQueueException f = failure;
      if (f != null) {
        throw f;
      }
      return null;
    }
    taken.incrementAndGet();
    return (TaskResult) next;
  }
}
