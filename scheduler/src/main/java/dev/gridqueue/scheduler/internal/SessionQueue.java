package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.QueuedBatchRef;
import dev.gridqueue.grid.store.ResourceAmounts;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * One session as the policy tracks it: its queued batches (one queue per distinct need, so a batch
 * waiting for a GPU worker does not hold back the others), how many workers it is bound to and
 * expects, its target, and its figures. Only its own methods change it, so the counts always match
 * the queues; each method names the part that calls it.
 *
 * <p>What fast abort and the task counters remember about the session lives here too ({@link
 * #fastAbort}, {@link #tasks}): it goes when the session goes, costs no lookup, and only those
 * parts can change it.
 */
final class SessionQueue {
  static final Comparator<QueuedEntry> BATCH_ORDER =
      Comparator.<QueuedEntry>comparingInt(e -> -e.ref().priority)
          .thenComparingLong(e -> e.ref().sequence);

  /** A queued (or re-queued) batch: attempts so far, and a worker it must avoid (fast abort). */
  record QueuedEntry(
      QueuedBatchRef ref,
      ResourceAmounts need,
      int attempts,
      int jobFailures,
      String avoidWorker) {}

  /** Batches of one need, in batch priority then FIFO order. */
  static final class NeedQueue {
    final ResourceAmounts need;
    private final PriorityQueue<QueuedEntry> batches = new PriorityQueue<>(BATCH_ORDER);
    private long tasks;

    private NeedQueue(ResourceAmounts need) {
      this.need = need;
    }

    /** The batch to run next; null if none. */
    QueuedEntry head() {
      return batches.peek();
    }

    boolean isEmpty() {
      return batches.isEmpty();
    }

    /** Tasks of the queued batches. */
    long tasks() {
      return tasks;
    }
  }

  /** Its attributes; replaced by a newer version when the session is updated ({@link Ledger}). */
  SessionInfo info;

  /** Run times, strikes and blocklist; only {@link FastAbort} changes them. */
  final FastAbort.History fastAbort = new FastAbort.History();

  /** What the session's categories used, for their first allocations ({@link CategorySizing}). */
  final CategorySizing.History sizing = new CategorySizing.History();

  /** Done, failed and dead-lettered tasks; only {@link TaskTally} counts into them. */
  final TaskTally.Counts tasks = new TaskTally.Counts();

  /** Keyed by need; the null need (whole worker) under {@link #WHOLE_WORKER}. */
  private final Map<Object, NeedQueue> queues = new LinkedHashMap<>();

  private int queuedBatches;
  private long lastTurn;
  private long tasksWaiting;
  private long tasksRunning;

  /** Workers bound and not draining. */
  private int boundActive;

  /** Workers bound, draining ones included (what max_workers caps). */
  private int boundTotal;

  /** Workers being drained for this session. */
  private int incoming;

  /** Workers the policy wants this session to have now. */
  private int target = Integer.MAX_VALUE;

  private static final Object WHOLE_WORKER = new Object();

  SessionQueue(SessionInfo info) {
    this.info = info;
  }

  /** Queues a batch (the ledger, which also indexes it by key). */
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

  /**
   * Takes the head of {@code q}, which placement has just chosen, to run (ledger): its tasks move
   * from waiting to running, and the session is the one served at {@code turn}.
   */
  QueuedEntry takeToRun(NeedQueue q, long turn) {
    QueuedEntry e = q.batches.poll();
    q.tasks -= e.ref().taskCount;
    queuedBatches--;
    tasksWaiting -= e.ref().taskCount;
    tasksRunning += e.ref().taskCount;
    lastTurn = turn;
    return e;
  }

  /** A running batch of {@code taskCount} tasks came back, ended or to be queued again (ledger). */
  void runEnded(int taskCount) {
    tasksRunning -= taskCount;
  }

  /**
   * Its queues, for placement to look at their heads: the live collection, read only (placement
   * walks it on every decision, where a read-only wrapper's iterator costs more than the walk).
   */
  Collection<NeedQueue> queues() {
    return queues.values();
  }

  void forEachQueued(Consumer<QueuedEntry> action) {
    queues.values().forEach(q -> q.batches.forEach(action));
  }

  /** A worker was bound to it ({@link Bindings}). */
  void bound() {
    boundActive++;
    boundTotal++;
  }

  /**
   * One of its workers is being drained ({@link Bindings}): still bound (max_workers), not active.
   */
  void draining() {
    boundActive--;
  }

  /**
   * A binding ended ({@link Bindings}); {@code wasDraining}: already counted off the active ones.
   */
  void unbound(boolean wasDraining) {
    boundTotal--;
    if (!wasDraining) {
      boundActive--;
    }
  }

  /** A worker is being drained for it ({@link Bindings}). */
  void expectWorker() {
    incoming++;
  }

  /** A worker drained for it is free now, or gone ({@link Bindings}). */
  void expectedWorkerFree() {
    incoming--;
  }

  /** Set by {@link Targets}. */
  void target(int workers) {
    target = workers;
  }

  /**
   * Workers the session could use now: bound ones plus one per queued batch, within max_workers.
   */
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

  /** Active workers plus those being drained for it fall short of its target. */
  boolean belowTarget() {
    return boundActive + incoming < target;
  }

  String id() {
    return info.sessionId();
  }

  int queuedBatches() {
    return queuedBatches;
  }

  long lastTurn() {
    return lastTurn;
  }

  long tasksWaiting() {
    return tasksWaiting;
  }

  long tasksRunning() {
    return tasksRunning;
  }

  int boundActive() {
    return boundActive;
  }

  int boundTotal() {
    return boundTotal;
  }

  int incoming() {
    return incoming;
  }

  int target() {
    return target;
  }
}
