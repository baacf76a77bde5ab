package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.TaskCounters;
import java.util.HashMap;
import java.util.Map;

/**
 * The task counters behind {@code GetStats} and the counter checkpoint: the grid's since the
 * scheduler started (closed sessions included, carried over from the last checkpoint), and each
 * open session's and worker's ({@link Counts}, held by the session or worker). Only this class
 * counts, so a task is counted once, in the same way everywhere.
 */
final class TaskTally {
  private long done;
  private long failed;
  private long deadLettered;
  private long cancelled;

  /** A session's or worker's counters; only {@link TaskTally} changes them. */
  static final class Counts {
    private long done;
    private long failed;
    private long deadLettered;

    long done() {
      return done;
    }

    long failed() {
      return failed;
    }

    long deadLettered() {
      return deadLettered;
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
    if (session != null) {
      add(session.tasks, ok, outcome.failed(), dead);
    }
    if (worker != null) {
      add(worker.tasks, ok, outcome.failed(), 0);
    }
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
    return new TaskCounters(done, failed, deadLettered, cancelled);
  }

  /** A session's counters (cancellations are counted for the grid only). */
  static TaskCounters of(SessionQueue session) {
    Counts c = session.tasks;
    return new TaskCounters(c.done, c.failed, c.deadLettered, 0);
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
  }

  /** As {@link #restoreGrid}, for a session just added. */
  static void restore(SessionQueue session, TaskCounters c) {
    add(session.tasks, c.done(), c.failed(), c.deadLettered());
  }

  private static void add(Counts counts, long done, long failed, long deadLettered) {
    counts.done += done;
    counts.failed += failed;
    counts.deadLettered += deadLettered;
  }
}
