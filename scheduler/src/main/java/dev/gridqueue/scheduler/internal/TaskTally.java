package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.GridCounter;
import dev.gridqueue.grid.store.TaskCounters;
import java.util.HashMap;
import java.util.Map;

/**
 * The counters behind {@code GetStats} and the counter checkpoint: the grid's since it started
 * (closed sessions included, carried over from the last checkpoint), and each open session's and
 * worker's ({@link Counts}, held by the session or worker). Tasks ended by how, and the cumulative
 * {@link GridCounter}s (submitted, dispatched, retried, bytes, times, workers). Only this class
 * counts, so an event is counted once, in the same way everywhere.
 */
final class TaskTally {
  private long done;
  private long failed;
  private long deadLettered;
  private long cancelled;
  private final long[] counts = new long[GridCounter.COUNT];

  /** A session's or worker's counters; only {@link TaskTally} changes them. */
  static final class Counts {
    private long done;
    private long failed;
    private long deadLettered;
    private final long[] counts = new long[GridCounter.COUNT];

    long done() {
      return done;
    }

    long failed() {
      return failed;
    }

    long deadLettered() {
      return deadLettered;
    }

    long get(GridCounter c) {
      return counts[c.ordinal()];
    }

    /** The counters by {@link GridCounter#ordinal()}; read only. */
    long[] countsView() {
      return counts;
    }
  }

  /** A batch of {@code tasks} tasks entered the grid (counted once, not when queued again). */
  void submitted(SessionQueue session, int tasks) {
    counts[GridCounter.TASKS_SUBMITTED.ordinal()] += tasks;
    session.tasks.counts[GridCounter.TASKS_SUBMITTED.ordinal()] += tasks;
  }

  /** A batch of {@code tasks} tasks was sent to {@code worker} (every attempt counts). */
  void dispatched(SessionQueue session, WorkerLoad worker, int tasks) {
    int i = GridCounter.TASKS_DISPATCHED.ordinal();
    counts[i] += tasks;
    session.tasks.counts[i] += tasks;
    if (worker != null) {
      worker.tasks.counts[i] += tasks;
    }
  }

  /** A batch of {@code tasks} tasks is queued again after a lost worker, failed job or abort. */
  void retried(SessionQueue session, int tasks) {
    int i = GridCounter.TASKS_RETRIED.ordinal();
    counts[i] += tasks;
    if (session != null) {
      session.tasks.counts[i] += tasks;
    }
  }

  /** Something happened to a worker (joined, removed, lost, fast-aborted, blocklisted). */
  void worker(WorkerLoad worker, GridCounter event) {
    counts[event.ordinal()]++;
    if (worker != null) {
      worker.tasks.counts[event.ordinal()]++;
    }
  }

  /**
   * A batch ended as its job reported. Failed and cancelled tasks end as dead letters; a worker
   * counts what ran on it (cancelled tasks did not). {@code session} or {@code worker} is null when
   * it is gone: the grid still counts.
   */
  void finished(SessionQueue session, WorkerLoad worker, SchedulerState.Outcome outcome) {
    int ok = outcome.tasks() - outcome.failed() - outcome.cancelled();
    int dead = outcome.failed() + outcome.cancelled();
    done += ok;
    failed += outcome.failed();
    cancelled += outcome.cancelled();
    deadLettered += dead;
    transfer(counts, outcome);
    if (session != null) {
      add(session.tasks, ok, outcome.failed(), dead);
      transfer(session.tasks.counts, outcome);
    }
    if (worker != null) {
      add(worker.tasks, ok, outcome.failed(), 0);
      transfer(worker.tasks.counts, outcome);
    }
  }

  private static void transfer(long[] into, SchedulerState.Outcome o) {
    into[GridCounter.BYTES_SENT.ordinal()] += o.bytesRead();
    into[GridCounter.BYTES_RECEIVED.ordinal()] += o.bytesWritten();
    into[GridCounter.TIME_SEND_NANOS.ordinal()] += o.readNanos();
    into[GridCounter.TIME_RECEIVE_NANOS.ordinal()] += o.writeNanos();
    into[GridCounter.TIME_WORKERS_EXECUTE_NANOS.ordinal()] += o.runNanos();
  }

  /** The scheduler gave up on a batch of {@code taskCount} tasks: all become dead letters. */
  void gaveUp(SessionQueue session, int taskCount) {
    deadLettered += taskCount;
    if (session != null) {
      session.tasks.deadLettered += taskCount;
    }
  }

  /** The grid's counters (every session, closed ones too). */
  TaskCounters grid() {
    return new TaskCounters(done, failed, deadLettered, cancelled, counts, 0);
  }

  /** A session's counters (cancellations are counted for the grid only). */
  static TaskCounters of(SessionQueue session) {
    Counts c = session.tasks;
    return new TaskCounters(c.done, c.failed, c.deadLettered, 0, c.counts, 0);
  }

  /** Each session's counters, by session id. */
  static Map<String, TaskCounters> of(Iterable<SessionQueue> sessions) {
    Map<String, TaskCounters> counters = new HashMap<>();
    sessions.forEach(s -> counters.put(s.id(), of(s)));
    return counters;
  }

  /** Carries on from a checkpoint: a new scheduler's figures start where the last one's ended. */
  void restoreGrid(TaskCounters c) {
    done += c.done();
    failed += c.failed();
    deadLettered += c.deadLettered();
    cancelled += c.cancelled();
    addAll(counts, c.counts());
  }

  /** As {@link #restoreGrid}, for a session just added. */
  static void restore(SessionQueue session, TaskCounters c) {
    add(session.tasks, c.done(), c.failed(), c.deadLettered());
    addAll(session.tasks.counts, c.counts());
  }

  private static void addAll(long[] into, long[] from) {
    for (int i = 0; i < into.length; i++) {
      into[i] += from[i];
    }
  }

  private static void add(Counts counts, long done, long failed, long deadLettered) {
    counts.done += done;
    counts.failed += failed;
    counts.deadLettered += deadLettered;
  }
}
