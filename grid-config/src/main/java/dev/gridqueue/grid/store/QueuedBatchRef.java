package dev.gridqueue.grid.store;

import java.io.Serializable;

/**
 * What the scheduler keeps of a queued batch: its key, ordering and placement, never its tasks. The
 * node that accepted the batch sends it to the scheduler; the grid census builds it from the stored
 * batch when the scheduler has to look again. A plain class with final fields, not a record: it
 * crosses JVMs through Ignite's binary marshaller, which cannot fill a record.
 */
public final class QueuedBatchRef implements Serializable {
  private static final long serialVersionUID = 2L;

  public final String key;
  public final String sessionId;
  public final int priority;

  /**
   * Acceptance order (see {@link StoredBatch#sequence()}): milliseconds since the epoch, shifted.
   */
  public final long sequence;

  public final int taskCount;

  /** Resources the batch declared itself; null: none. */
  public final ResourceAmounts need;

  /** Its category; null: none. */
  public final String category;

  /** Its own max_retries; -1: the session's. */
  public final int maxRetries;

  public QueuedBatchRef(
      String key,
      String sessionId,
      int priority,
      long sequence,
      int taskCount,
      ResourceAmounts need,
      String category,
      int maxRetries) {
    this.key = key;
    this.sessionId = sessionId;
    this.priority = priority;
    this.sequence = sequence;
    this.taskCount = taskCount;
    this.need = need;
    this.category = category;
    this.maxRetries = maxRetries;
  }

  /** A ref with no declared placement and the session's max_retries (tests, benchmarks). */
  public QueuedBatchRef(String key, String sessionId, int priority, long sequence, int taskCount) {
    this(key, sessionId, priority, sequence, taskCount, null, null, -1);
  }

  public static QueuedBatchRef of(String key, StoredBatch b) {
    return new QueuedBatchRef(
        key,
        b.sessionId(),
        b.priority(),
        b.sequence(),
        b.taskCount(),
        b.need(),
        b.category(),
        b.maxRetries());
  }

  /** When the batch was accepted, in milliseconds since the epoch (the accepting node's clock). */
  public long acceptedAtMillis() {
    return StoredBatch.acceptedAtMillis(sequence);
  }
}
