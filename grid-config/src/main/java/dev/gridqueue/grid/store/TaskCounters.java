package dev.gridqueue.grid.store;

import java.io.Serializable;

/**
 * Tasks ended, by how, and the other cumulative counters ({@link GridCounter}), for the grid or one
 * session: what the scheduler checkpoints in the scheduler cache (keys {@link #GRID} and {@link
 * #ofSession}) so its figures outlive its node. A plain class, not a record: Ignite's binary
 * marshaller cannot fill a record's fields.
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

  /** Indexed by {@link GridCounter#ordinal()}; may be shorter (written by an older scheduler). */
  private final long[] counts;

  /** Milliseconds since the epoch when the counters were taken (0: unknown). */
  private final long takenAtMillis;

  public TaskCounters(long done, long failed, long deadLettered, long cancelled) {
    this(done, failed, deadLettered, cancelled, new long[GridCounter.COUNT], 0);
  }

  public TaskCounters(
      long done,
      long failed,
      long deadLettered,
      long cancelled,
      long[] counts,
      long takenAtMillis) {
    this.done = done;
    this.failed = failed;
    this.deadLettered = deadLettered;
    this.cancelled = cancelled;
    this.counts = counts.clone();
    this.takenAtMillis = takenAtMillis;
  }

  /** One of the other counters. */
  public long get(GridCounter c) {
    return counts != null && c.ordinal() < counts.length ? counts[c.ordinal()] : 0;
  }

  /** The other counters, indexed by {@link GridCounter#ordinal()} (a copy, full length). */
  public long[] counts() {
    long[] all = new long[GridCounter.COUNT];
    if (counts != null) {
      System.arraycopy(counts, 0, all, 0, Math.min(counts.length, all.length));
    }
    return all;
  }

  /** These counters, taken at {@code millis} (epoch milliseconds). */
  public TaskCounters at(long millis) {
    return new TaskCounters(done, failed, deadLettered, cancelled, counts(), millis);
  }

  /** When the counters were taken, in milliseconds since the epoch (0: unknown). */
  public long takenAtMillis() {
    return takenAtMillis;
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
        && c.cancelled == cancelled
        && java.util.Arrays.equals(c.counts(), counts());
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
        + cancelled
        + " submitted="
        + get(GridCounter.TASKS_SUBMITTED)
        + " dispatched="
        + get(GridCounter.TASKS_DISPATCHED)
        + " retried="
        + get(GridCounter.TASKS_RETRIED);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(done) * 31
        + Long.hashCode(failed) * 17
        + Long.hashCode(deadLettered) * 7
        + Long.hashCode(cancelled)
        + java.util.Arrays.hashCode(counts());
  }
}
