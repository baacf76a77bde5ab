package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.QueuedBatchRef;
import dev.gridqueue.grid.store.ResourceAmounts;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * One session as the policy tracks it: its queued batches (one queue per distinct need, so a
 * batch waiting for a GPU worker does not hold back the others), its bindings and its figures.
 */
final class SessionQueue {
  static final Comparator<QueuedEntry> BATCH_ORDER =
      Comparator.<QueuedEntry>comparingInt(e -> -e.ref().priority).thenComparingLong(e -> e.ref().sequence);

  /** A queued (or re-queued) batch: attempts so far, and a worker it must avoid (fast abort). */
  record QueuedEntry(QueuedBatchRef ref, ResourceAmounts need, int attempts, int jobFailures, String avoidWorker) {}

  /** Batches of one need, in batch priority then FIFO order. */
  static final class NeedQueue {
    final ResourceAmounts need;
    final PriorityQueue<QueuedEntry> batches = new PriorityQueue<>(BATCH_ORDER);
    long tasks;

    NeedQueue(ResourceAmounts need) {
      this.need = need;
    }
  }

  /** Run times of finished batches of one category, for fast abort. */
  static final class RunTimes {
    long count;
    long totalNanos;

    long meanNanos() {
      return count == 0 ? 0 : totalNanos / count;
    }
  }

  final SessionInfo info;
  /** Keyed by need; the null need (whole worker) under {@link #WHOLE_WORKER}. */
  final Map<Object, NeedQueue> queues = new LinkedHashMap<>();
  int queuedBatches;
  long lastTurn;
  long tasksWaiting;
  long tasksRunning;
  long tasksDone;
  long tasksFailed;
  long tasksDeadLettered;
  /** Workers bound and not draining. */
  int boundActive;
  /** Workers bound, draining ones included (what max_workers caps). */
  int boundTotal;
  /** Workers being drained for this session. */
  int incoming;
  /** Workers the policy wants this session to have now. */
  int target = Integer.MAX_VALUE;
  final Map<String, RunTimes> runTimes = new HashMap<>();
  final Map<String, Integer> fastAbortStrikes = new HashMap<>();
  final Set<String> blocklistedWorkers = new HashSet<>();

  private static final Object WHOLE_WORKER = new Object();

  SessionQueue(SessionInfo info) {
    this.info = info;
  }

  void add(QueuedEntry entry) {
    Object needKey = entry.need() == null ? WHOLE_WORKER : entry.need();
    // A batch avoiding a worker (fast abort) waits in its own queue, so it never blocks the
    // others on that worker.
    Object key = entry.avoidWorker() == null ? needKey : List.of(needKey, entry.avoidWorker());
    NeedQueue q = queues.computeIfAbsent(key, k -> new NeedQueue(entry.need()));
    q.batches.add(entry);
    q.tasks += entry.ref().taskCount;
    queuedBatches++;
    tasksWaiting += entry.ref().taskCount;
  }

  /** Removes the head of {@code q}, which the caller has just chosen. */
  QueuedEntry poll(NeedQueue q) {
    QueuedEntry e = q.batches.poll();
    q.tasks -= e.ref().taskCount;
    queuedBatches--;
    tasksWaiting -= e.ref().taskCount;
    return e;
  }

  /** Workers the session could use now: bound ones plus one per queued batch, within max_workers. */
  int demand() {
    long d = (long) boundActive + queuedBatches;
    if (info.maxWorkers() > 0) {
      d = Math.min(d, info.maxWorkers());
    }
    return (int) Math.min(d, Integer.MAX_VALUE);
  }

  boolean hasWork() {
    return queuedBatches > 0 || boundTotal > 0;
  }
}
