package dev.gridqueue.scheduler.internal;

import java.io.Serializable;

/** What the scheduler keeps of a queued batch: its key and ordering, never its tasks. */
final class QueuedBatchRef implements Serializable {
  private static final long serialVersionUID = 1L;

  final String key;
  final String sessionId;
  final int priority;
  final long sequence;
  final int taskCount;

  QueuedBatchRef(String key, String sessionId, int priority, long sequence) {
    this(key, sessionId, priority, sequence, 0);
  }

  QueuedBatchRef(String key, String sessionId, int priority, long sequence, int taskCount) {
    this.key = key;
    this.sessionId = sessionId;
    this.priority = priority;
    this.sequence = sequence;
    this.taskCount = taskCount;
  }
}
