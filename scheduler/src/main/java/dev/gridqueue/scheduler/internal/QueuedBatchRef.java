package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.ResourceAmounts;
import java.io.Serializable;

/** What the scheduler keeps of a queued batch: its key, ordering and placement, never its tasks. */
final class QueuedBatchRef implements Serializable {
  private static final long serialVersionUID = 1L;

  final String key;
  final String sessionId;
  final int priority;
  final long sequence;
  final int taskCount;
  /** Resources the batch declared itself; null: none. */
  final ResourceAmounts need;
  /** Its category; null: none. */
  final String category;
  /** Its own max_retries; -1: the session's. */
  int maxRetries = -1;

  static QueuedBatchRef of(String key, dev.gridqueue.grid.store.StoredBatch b) {
    QueuedBatchRef ref =
        new QueuedBatchRef(key, b.sessionId(), b.priority(), b.sequence(), b.taskCount(), b.need(), b.category());
    ref.maxRetries = b.maxRetries();
    return ref;
  }

  QueuedBatchRef(String key, String sessionId, int priority, long sequence) {
    this(key, sessionId, priority, sequence, 0);
  }

  QueuedBatchRef(String key, String sessionId, int priority, long sequence, int taskCount) {
    this(key, sessionId, priority, sequence, taskCount, null, null);
  }

  QueuedBatchRef(
      String key,
      String sessionId,
      int priority,
      long sequence,
      int taskCount,
      ResourceAmounts need,
      String category) {
    this.key = key;
    this.sessionId = sessionId;
    this.priority = priority;
    this.sequence = sequence;
    this.taskCount = taskCount;
    this.need = need;
    this.category = category;
  }
}
