package dev.gridqueue.client;

import dev.gridqueue.client.internal.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A clock and a scheduler that move only when the test says so: {@link #advance} runs the tasks
 * that fall due on the way, in order, on the test's thread. Nothing sleeps.
 */
final class ManualTime extends AbstractExecutorService implements ScheduledExecutorService, Ticker {
  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>(
          Comparator.comparingLong((Task t) -> t.dueNanos).thenComparingLong(t -> t.seq));
  private long nowNanos;
  private long seq;
  private boolean shutdown;

  @Override
  public synchronized long nanoTime() {
    return nowNanos;
  }

  synchronized long millis() {
    return TimeUnit.NANOSECONDS.toMillis(nowNanos);
  }

  /** Tasks scheduled and not yet run. */
  synchronized int scheduled() {
    return tasks.size();
  }

  /** Tasks due within {@code window} from now. */
  synchronized int dueWithin(Duration window) {
    long limit = nowNanos + window.toNanos();
    return (int) tasks.stream().filter(t -> t.dueNanos <= limit).count();
  }

  /** Moves time forward by {@code step}, running every task due on the way. */
  void advance(Duration step) {
    long target;
    synchronized (this) {
      target = nowNanos + step.toNanos();
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.dueNanos > target) {
          nowNanos = target;
          return;
        }
        tasks.poll();
        nowNanos = Math.max(nowNanos, next.dueNanos);
      }
      next.run();
    }
  }

  void advanceMillis(long millis) {
    advance(Duration.ofMillis(millis));
  }

  /** Moves time to the first scheduled task and runs it, with any others due then. */
  void advanceToNextTask() {
    long step;
    synchronized (this) {
      if (tasks.isEmpty()) {
        throw new IllegalStateException("nothing is scheduled");
      }
      step = Math.max(0, tasks.peek().dueNanos - nowNanos);
    }
    advance(Duration.ofNanos(step));
  }

  @Override
  public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    if (shutdown) {
      throw new RejectedExecutionException("shut down");
    }
    Task t = new Task(command, nowNanos + unit.toNanos(Math.max(0, delay)), seq++);
    tasks.add(t);
    return t;
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
  }

  @Override
  public synchronized List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> pending = new ArrayList<>(tasks);
    tasks.clear();
    return pending;
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }

  private final class Task implements ScheduledFuture<Void>, Runnable {
    private final Runnable command;
    private final long dueNanos;
    private final long seq;
    private volatile boolean cancelled;
    private volatile boolean done;

    Task(Runnable command, long dueNanos, long seq) {
      this.command = command;
      this.dueNanos = dueNanos;
      this.seq = seq;
    }

    @Override
    public void run() {
      if (!cancelled) {
        command.run();
      }
      done = true;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      cancelled = true;
      synchronized (ManualTime.this) {
        return tasks.remove(this);
      }
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public Void get() {
      throw new UnsupportedOperationException("manual time never blocks");
    }

    @Override
    public Void get(long timeout, TimeUnit unit) {
      throw new UnsupportedOperationException("manual time never blocks");
    }
  }
}
