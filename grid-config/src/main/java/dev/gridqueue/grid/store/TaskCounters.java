package dev.gridqueue.grid.store;

import java.io.Serializable;

/**
 * Tasks ended, by how, for the grid or one session: what the scheduler checkpoints in the scheduler
 * cache (keys {@link #GRID} and {@link #ofSession}) so its figures outlive its node. A plain class,
 * not a record: Ignite's binary marshaller cannot fill a record's fields.
 */
public final class TaskCounters implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final TaskCounters ZERO = new TaskCounters(0, 0, 0, 0);

  /** Key of the grid's counters (every session, closed ones too). */
  public static final String GRID = "counters";

  private final long done;
  private final long failed;
  private final long deadLettered;
  private final long cancelled;

  public TaskCounters(long done, long failed, long deadLettered, long cancelled) {
    this.done = done;
    this.failed = failed;
    this.deadLettered = deadLettered;
    this.cancelled = cancelled;
  }

  /** Key of a session's counters. */
  public static String ofSession(String sessionId) {
    return "counters/" + sessionId;
  }

  public long done() {
    return done;
  }

  public long failed() {
    return failed;
  }

  public long deadLettered() {
    return deadLettered;
  }

  public long cancelled() {
    return cancelled;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TaskCounters c
        && c.done == done
        && c.failed == failed
        && c.deadLettered == deadLettered
        && c.cancelled == cancelled;
  }

  @Override
  public String toString() {
    return "done="
        + done
        + " failed="
        + failed
        + " dead-lettered="
        + deadLettered
        + " cancelled="
        + cancelled;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(done) * 31
        + Long.hashCode(failed) * 17
        + Long.hashCode(deadLettered) * 7
        + Long.hashCode(cancelled);
  }
}
