package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.QueuedBatchRef;
import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.grid.store.TaskCounters;
import dev.gridqueue.scheduler.internal.SessionQueue.NeedQueue;
import dev.gridqueue.scheduler.internal.SessionQueue.QueuedEntry;
import dev.gridqueue.scheduler.internal.WorkerLoad.Binding;
import dev.gridqueue.grid.work.WorkerDescriptor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The scheduling policy and its working memory: state in (sessions, batches, workers, job
 * reports) and decisions out ({@link #assign()}: batches to workers; {@link #drainInstructions()}:
 * BIND/UNBIND). Deterministic given its events and its clock; single-threaded (only the scheduling
 * loop touches it); rebuilt from the caches when the scheduler moves to another node.
 *
 * <p>The rules (README "Scheduling rules" has the user's version):
 *
 * <ul>
 *   <li>A worker serves a session only if it runs the session's app, carries all its tags, is not
 *       on a blocked host and not blocklisted for the session (fast abort).
 *   <li>Placement: a batch that declares no resources takes the whole worker (no other session
 *       bound to it); declared batches are packed while their needs fit what the worker offers.
 *       A worker holds at most {@code max_inflight_batches_per_worker} batches of a session.
 *   <li>Targets: every session with work first gets up to its {@code min_workers}, higher
 *       priorities first; the remaining workers go to higher priorities first, and sessions of
 *       equal priority share them evenly (water-filling), never above {@code max_workers}.
 *   <li>Free workers go to sessions below target first, then by priority, then by turn.
 *   <li>A session below target takes workers (UNBIND after the current batch) from sessions above
 *       theirs: from lower priorities only if those are {@code preemptible} (or to meet its
 *       {@code min_workers}); from equal priorities after the binding has lasted one fair-share
 *       quantum (time-slicing, so no session starves). A preemptible session's unstarted batches
 *       on the worker come back to the queue without counting as attempts.
 *   <li>Within a session: batch priority, then FIFO, per distinct need.
 * </ul>
 */
final class SchedulerState {
  /** Attempts after which a batch whose job keeps failing (not for worker loss) is failed. */
  static final int MAX_JOB_FAILURES = 3;
  /** How long an equal-priority binding lasts at least before it is rebalanced. */
  static final long DEFAULT_FAIR_SHARE_QUANTUM_NANOS = 1_000_000_000L;
  /** Finished batches of a category before fast abort judges run times. */
  static final int FAST_ABORT_MIN_SAMPLES = 10;
  /** Fast aborts after which a worker is blocklisted for the session. */
  static final int FAST_ABORT_STRIKES = 3;
  /**
   * Targets and rebalancing are recomputed at most this often (and whenever sessions or workers
   * come or go): they are goals, not placements, and cost O(sessions x workers).
   */
  static final long POLICY_INTERVAL_NANOS = 10_000_000L;

  /** Why a running batch came back. */
  enum Loss {
    /** Its worker left the grid (crash, hang, shutdown): counts against the session's max_retries. */
    WORKER_LOST,
    /** The job failed on a live worker (not a task error): counts against MAX_JOB_FAILURES. */
    JOB_FAILED,
    /** Fast abort: ran too long; retried elsewhere, counts against max_retries. */
    FAST_ABORTED
  }

  /** A batch the scheduler gave up on: its tasks must be dead-lettered with {@code reason}. */
  record GivenUp(String batchKey, int attempts, String reason) {}

  /** What a finished job reported. */
  record Outcome(int tasks, int failed, int cancelled, long runNanos) {}

  private final LongSupplier clock;
  private final long quantumNanos;
  private final Map<String, SessionQueue> sessions = new LinkedHashMap<>();
  private final Map<String, WorkerLoad> workers = new LinkedHashMap<>();
  private final Map<String, InFlight> inFlight = new HashMap<>();
  private final Map<String, QueuedEntry> queued = new HashMap<>();
  private final List<GivenUp> givenUp = new ArrayList<>();
  private final List<Instruction> instructions = new ArrayList<>();
  /**
   * Workers that may be able to take a batch: added, released something, or unsaturated when new
   * work arrived. Only these are examined when placing, so a decision costs O(changed workers).
   */
  private final java.util.Set<WorkerLoad> stale = new java.util.LinkedHashSet<>();
  private boolean policyDirty = true;
  private long lastPolicyNanos;
  private boolean contended;
  private long turn;
  /** Binding generations; start from the wall clock so a new scheduler never reuses old ones. */
  private long generations = System.currentTimeMillis() << 16;
  /** Since the scheduler started, over every session (closed ones too). */
  private long tasksDone;
  private long tasksFailed;
  private long tasksDeadLettered;
  private long tasksCancelled;
  /** Batches that ended while a grid census ran (null when none runs); see {@link #knowsBatch}. */
  private java.util.Set<String> endedDuringCensus;

  SchedulerState() {
    this(System::nanoTime, DEFAULT_FAIR_SHARE_QUANTUM_NANOS);
  }

  SchedulerState(LongSupplier clock, long quantumNanos) {
    this.clock = clock;
    this.quantumNanos = quantumNanos;
  }

  private record InFlight(QueuedEntry entry, String workerId, long dispatchedAtNanos) {}

  // ---- events ----

  boolean knowsSession(String sessionId) {
    return sessions.containsKey(sessionId);
  }

  void addSession(SessionInfo info) {
    if (sessions.putIfAbsent(info.sessionId(), new SessionQueue(info)) == null) {
      policyDirty = true;
    }
  }

  /** Forgets a closed session; its running batches finish and are skipped on write-back. */
  void removeSession(String sessionId) {
    SessionQueue removed = sessions.remove(sessionId);
    if (removed == null) {
      return;
    }
    policyDirty = true;
    removed.queues.values().forEach(q -> q.batches.forEach(e -> queued.remove(e.ref().key)));
    for (WorkerLoad w : workers.values()) {
      Binding b = w.bindings.get(sessionId);
      if (b != null && b.held == 0) {
        endBinding(w, b, true); // nothing of it left on the worker: free it now
      } else if (b != null && !b.draining) {
        b.draining = true; // its batches still return (and end the binding); no new ones
      }
      for (Binding other : w.bindings.values()) {
        if (sessionId.equals(other.beneficiary)) {
          other.beneficiary = null;
        }
      }
    }
  }

  /**
   * Whether the scheduler has the batch queued or running, or saw it end while the current census
   * ran (the census may have read it still queued).
   */
  boolean knowsBatch(String key) {
    return queued.containsKey(key)
        || inFlight.containsKey(key)
        || endedDuringCensus != null && endedDuringCensus.contains(key);
  }

  /** A grid census starts: batches ending from now on are remembered until {@link #censusEnded()}. */
  void censusStarted() {
    endedDuringCensus = new java.util.HashSet<>();
  }

  void censusEnded() {
    endedDuringCensus = null;
  }

  /** Per session, the queued and running batches accepted before {@code cutoffMillis}. */
  Map<String, Long> settledBatchesBySession(long cutoffMillis) {
    Map<String, Long> counts = new HashMap<>();
    for (QueuedEntry e : queued.values()) {
      if (e.ref().acceptedAtMillis() < cutoffMillis) {
        counts.merge(e.ref().sessionId, 1L, Long::sum);
      }
    }
    for (InFlight f : inFlight.values()) {
      if (f.entry.ref().acceptedAtMillis() < cutoffMillis) {
        counts.merge(f.entry.ref().sessionId, 1L, Long::sum);
      }
    }
    return counts;
  }

  /** Queues a batch unless it is already queued or running (a re-scan may report it twice). */
  void enqueue(QueuedBatchRef ref) {
    if (knowsBatch(ref.key)) {
      return;
    }
    SessionQueue session = sessions.get(ref.sessionId);
    if (session == null) {
      throw new IllegalStateException("enqueue for unknown session " + ref.sessionId);
    }
    QueuedEntry entry = new QueuedEntry(ref, session.info.needOf(ref.need, ref.category), 0, 0, null);
    queued.put(ref.key, entry);
    addQueued(session, entry);
  }

  /** Queues an entry; workers with room are examined again at the next placement. */
  private void addQueued(SessionQueue session, QueuedEntry entry) {
    if (session.queuedBatches == 0) {
      policyDirty = true;
    }
    session.add(entry);
    for (WorkerLoad w : workers.values()) {
      if (!saturated(w)) {
        stale.add(w);
      }
    }
  }

  /**
   * A worker no new batch can join now: held whole by a session at its in-flight limit, or with
   * all its cores and gpus committed (a batch needing neither is placed at its next release).
   */
  private boolean saturated(WorkerLoad w) {
    String whole = w.wholeWorkerSession();
    if (whole == null) {
      ResourceAmounts total = w.descriptor.resources();
      return !w.committed.isNone()
          && w.committed.cores() >= total.cores()
          && w.committed.gpus() >= total.gpus();
    }
    Binding b = w.bindings.get(whole);
    SessionQueue s = sessions.get(whole);
    return b.draining || s == null || b.held >= s.info.maxInflightBatchesPerWorker();
  }

  void addWorker(WorkerDescriptor worker) {
    WorkerLoad load = new WorkerLoad(worker);
    if (workers.putIfAbsent(worker.workerId(), load) == null) {
      stale.add(load);
      policyDirty = true;
    }
  }

  /** Removes the workers of a node that left and re-queues what they were running. */
  void removeWorkersOn(UUID nodeId) {
    List<WorkerLoad> gone = new ArrayList<>();
    workers.values().forEach(w -> {
      if (w.descriptor.nodeId().equals(nodeId)) {
        gone.add(w);
      }
    });
    gone.forEach(w -> removeWorker(w.id(), "its worker left the grid"));
  }

  /** Removes one worker (a polyglot worker whose stream ended) and re-queues what it held. */
  void removeWorker(String workerId, String reason) {
    WorkerLoad worker = workers.get(workerId);
    if (worker == null) {
      return;
    }
    new ArrayList<>(worker.held.keySet()).forEach(key -> requeue(key, workerId, Loss.WORKER_LOST, reason));
    for (Binding b : new ArrayList<>(worker.bindings.values())) {
      endBinding(worker, b, false);
    }
    workers.remove(workerId);
    stale.remove(worker);
    policyDirty = true;
  }

  /** The batch ran (or was found already done) on the worker, as {@code outcome} reports. */
  void finished(String key, String workerId, Outcome outcome) {
    InFlight running = inFlight.get(key);
    if (running == null || !running.workerId.equals(workerId)) {
      return;
    }
    release(key, running);
    if (endedDuringCensus != null) {
      endedDuringCensus.add(key);
    }
    int ok = outcome.tasks() - outcome.failed() - outcome.cancelled();
    int dead = outcome.failed() + outcome.cancelled();
    tasksDone += ok;
    tasksFailed += outcome.failed();
    tasksCancelled += outcome.cancelled();
    tasksDeadLettered += dead;
    SessionQueue session = sessions.get(running.entry.ref().sessionId);
    if (session != null) {
      session.tasksDone += ok;
      session.tasksFailed += outcome.failed();
      session.tasksDeadLettered += dead;
      if (outcome.runNanos() > 0 && session.info.fastAbortMultiplier() > 0) {
        SessionQueue.RunTimes times = session.runTimes.computeIfAbsent(categoryOf(running.entry), c -> new SessionQueue.RunTimes());
        times.count++;
        times.totalNanos += outcome.runNanos();
      }
    }
    WorkerLoad worker = workers.get(workerId);
    if (worker != null) {
      worker.tasksDone += ok;
      worker.tasksFailed += outcome.failed();
    }
  }

  /**
   * The worker handed the batch back unstarted (it was unbound from the session): it is queued
   * again as it was, the attempt not counted.
   */
  void returnedUnstarted(String key, String workerId) {
    InFlight running = inFlight.get(key);
    if (running == null || !running.workerId.equals(workerId)) {
      return;
    }
    release(key, running);
    QueuedEntry e = running.entry;
    requeueEntry(new QueuedEntry(e.ref(), e.need(), e.attempts() - 1, e.jobFailures(), e.avoidWorker()));
  }

  /**
   * The batch's job did not complete on the worker: it is queued again, unless it has used up its
   * attempts (1 + the session's max_retries for worker loss and fast aborts, {@link
   * #MAX_JOB_FAILURES} for failing jobs), in which case it joins {@link #drainGivenUp()}. A report
   * about a batch the worker no longer holds (it moved on already) is ignored.
   */
  void requeue(String key, String workerId, Loss loss, String detail) {
    InFlight running = inFlight.get(key);
    if (running == null || !running.workerId.equals(workerId)) {
      return;
    }
    release(key, running);
    QueuedEntry e = running.entry;
    int failures = e.jobFailures() + (loss == Loss.JOB_FAILED ? 1 : 0);
    SessionQueue owner = sessions.get(e.ref().sessionId);
    int maxRetries =
        e.ref().maxRetries >= 0 ? e.ref().maxRetries
            : owner == null ? SessionInfo.DEFAULT_MAX_RETRIES : owner.info.maxRetries();
    if (failures >= MAX_JOB_FAILURES) {
      giveUp(e, "batch failed " + failures + " times: " + detail);
      return;
    }
    if (loss != Loss.JOB_FAILED && e.attempts() > maxRetries) {
      giveUp(
          e,
          (loss == Loss.FAST_ABORTED ? "task fast-aborted (too slow)" : "task lost with its worker")
              + " in each of " + e.attempts() + " attempts (max_retries " + maxRetries + ")");
      return;
    }
    String avoid = e.avoidWorker();
    if (loss == Loss.FAST_ABORTED && owner != null) {
      avoid = workerId;
      int strikes = owner.fastAbortStrikes.merge(workerId, 1, Integer::sum);
      if (strikes >= FAST_ABORT_STRIKES && owner.blocklistedWorkers.add(workerId)) {
        WorkerLoad w = workers.get(workerId);
        Binding b = w == null ? null : w.bindings.get(owner.info.sessionId());
        if (b != null && !b.draining) {
          drain(w, b, null, true);
        }
      }
    }
    requeueEntry(new QueuedEntry(e.ref(), e.need(), e.attempts(), failures, avoid));
  }

  private void giveUp(QueuedEntry e, String reason) {
    givenUp.add(new GivenUp(e.ref().key, e.attempts(), reason));
    if (endedDuringCensus != null) {
      endedDuringCensus.add(e.ref().key);
    }
    tasksDeadLettered += e.ref().taskCount;
    SessionQueue s = sessions.get(e.ref().sessionId);
    if (s != null) {
      s.tasksDeadLettered += e.ref().taskCount;
    }
  }

  private void requeueEntry(QueuedEntry entry) {
    SessionQueue session = sessions.get(entry.ref().sessionId);
    if (session != null) {
      queued.put(entry.ref().key, entry);
      addQueued(session, entry);
    }
  }

  /** Batches given up on since the last call, to be dead-lettered by the dispatcher. */
  List<GivenUp> drainGivenUp() {
    if (givenUp.isEmpty()) {
      return List.of();
    }
    List<GivenUp> drained = List.copyOf(givenUp);
    givenUp.clear();
    return drained;
  }

  /** BIND/UNBIND instructions decided since the last call. */
  List<Instruction> drainInstructions() {
    if (instructions.isEmpty()) {
      return List.of();
    }
    List<Instruction> drained = List.copyOf(instructions);
    instructions.clear();
    return drained;
  }

  private void release(String key, InFlight running) {
    inFlight.remove(key);
    SessionQueue session = sessions.get(running.entry.ref().sessionId);
    if (session != null) {
      session.tasksRunning -= running.entry.ref().taskCount;
    }
    WorkerLoad worker = workers.get(running.workerId);
    if (worker == null) {
      return;
    }
    Binding binding = worker.release(key);
    stale.add(worker);
    if (binding != null && binding.held == 0 && (binding.draining || session == null || session.queuedBatches == 0)) {
      endBinding(worker, binding, true);
    }
  }

  private void endBinding(WorkerLoad worker, Binding b, boolean tellWorker) {
    worker.bindings.remove(b.sessionId);
    if (workers.get(worker.id()) == worker) {
      stale.add(worker);
    }
    SessionQueue s = sessions.get(b.sessionId);
    if (s != null) {
      s.boundTotal--;
      if (!b.draining) {
        s.boundActive--;
      }
      if (s.boundTotal == 0 && s.queuedBatches == 0) {
        policyDirty = true;
      }
      if (s.info.maxWorkers() > 0 && s.queuedBatches > 0) {
        markUnsaturatedStale(); // under its cap again: other workers may take it now
      }
    }
    if (b.beneficiary != null) {
      SessionQueue beneficiary = sessions.get(b.beneficiary);
      if (beneficiary != null) {
        beneficiary.incoming--;
      }
    }
    if (tellWorker && !b.draining && WorkerDescriptor.KIND_GRPC.equals(worker.descriptor.kind())) {
      instructions.add(instruction(false, worker, b, false));
    }
  }

  // ---- decisions ----

  /**
   * Assigns queued batches to workers with room until no more fit, then takes workers from
   * sessions above their target for sessions below theirs (see the class comment).
   */
  List<Assignment> assign() {
    if (sessions.isEmpty()) {
      return List.of();
    }
    long now = clock.getAsLong();
    boolean policyDue = policyDirty || now - lastPolicyNanos >= POLICY_INTERVAL_NANOS;
    if (policyDue) {
      sweepIdleBindings();
      markUnsaturatedStale(); // safety net: a worker left out of the stale set waits 10 ms at most
      contended = computeTargets();
      lastPolicyNanos = now;
      policyDirty = false;
    }
    List<Assignment> assignments = new ArrayList<>();
    if (!queued.isEmpty()) {
      fill(assignments);
    }
    if (contended && policyDue) {
      rebalance();
    }
    return assignments;
  }

  /** Rounds over the stale workers, one batch per worker per round, until none takes more. */
  private void fill(List<Assignment> assignments) {
    List<WorkerLoad> round = new ArrayList<>();
    while (!stale.isEmpty() && !queued.isEmpty()) {
      round.clear();
      round.addAll(stale);
      stale.clear();
      for (WorkerLoad worker : round) {
        Choice choice = choose(worker);
        if (choice != null) {
          assignments.add(place(worker, choice));
          stale.add(worker); // it may take more next round
        }
      }
    }
  }

  /**
   * Ends bindings that hold nothing and have nothing to wait for (session gone, draining, or no
   * queued batches). Events normally end them; this keeps a missed one from reserving a worker.
   */
  private void sweepIdleBindings() {
    List<Object[]> idle = new ArrayList<>();
    for (WorkerLoad w : workers.values()) {
      for (Binding b : w.bindings.values()) {
        SessionQueue s = sessions.get(b.sessionId);
        if (b.held == 0 && (s == null || b.draining || s.queuedBatches == 0)) {
          idle.add(new Object[] {w, b});
        }
      }
    }
    idle.forEach(pair -> endBinding((WorkerLoad) pair[0], (Binding) pair[1], true));
  }

  private void markUnsaturatedStale() {
    for (WorkerLoad w : workers.values()) {
      if (!saturated(w)) {
        stale.add(w);
      }
    }
  }

  private record Choice(SessionQueue session, NeedQueue queue) {}

  /** The session and queue whose next batch this worker should take; null if none fits. */
  private Choice choose(WorkerLoad worker) {
    Choice best = null;
    for (SessionQueue s : sessions.values()) {
      if (s.queuedBatches == 0 || !canServe(worker, s) || !hasRoom(worker, s)) {
        continue;
      }
      NeedQueue q = bestFittingQueue(worker, s);
      if (q == null) {
        continue;
      }
      if (best == null || before(s, best.session)) {
        best = new Choice(s, q);
      }
    }
    return best;
  }

  /** Sessions below target first, then higher priority, then the one served least recently. */
  private static boolean before(SessionQueue a, SessionQueue b) {
    boolean aShort = a.boundActive + a.incoming < a.target;
    boolean bShort = b.boundActive + b.incoming < b.target;
    if (aShort != bShort) {
      return aShort;
    }
    if (a.info.priority() != b.info.priority()) {
      return a.info.priority() > b.info.priority();
    }
    return a.lastTurn < b.lastTurn;
  }

  /** Whether the worker may ever serve the session (app, tags, host, blocklist). */
  private static boolean canServe(WorkerLoad worker, SessionQueue s) {
    WorkerDescriptor d = worker.descriptor;
    return d.serves(s.info.appId())
        && d.tags().containsAll(s.info.tags())
        && !d.onHost(s.info.blockedHosts())
        && !s.blocklistedWorkers.contains(d.workerId());
  }

  /** Binding limits: not draining, within max_workers, within max in flight. */
  private static boolean hasRoom(WorkerLoad worker, SessionQueue s) {
    Binding b = worker.bindings.get(s.info.sessionId());
    if (b == null) {
      return s.info.maxWorkers() == 0 || s.boundTotal < s.info.maxWorkers();
    }
    return !b.draining && b.held < s.info.maxInflightBatchesPerWorker();
  }

  /** Of the session's queues whose head fits this worker now, the one with the earliest head. */
  private static NeedQueue bestFittingQueue(WorkerLoad worker, SessionQueue s) {
    NeedQueue best = null;
    for (NeedQueue q : s.queues.values()) {
      QueuedEntry head = q.batches.peek();
      if (head == null || worker.id().equals(head.avoidWorker()) || !fitsNow(worker, s, q.need)) {
        continue;
      }
      if (best == null || SessionQueue.BATCH_ORDER.compare(head, best.batches.peek()) < 0) {
        best = q;
      }
    }
    return best;
  }

  /** Resource fit: whole-worker batches need the worker to themselves; declared ones must fit. */
  private static boolean fitsNow(WorkerLoad worker, SessionQueue s, ResourceAmounts need) {
    String sessionId = s.info.sessionId();
    if (need == null) {
      return !worker.boundToOtherThan(sessionId) && worker.committed.isNone();
    }
    String whole = worker.wholeWorkerSession();
    return whole == null && worker.descriptor.resources().covers(worker.committed.plus(need));
  }

  private Assignment place(WorkerLoad worker, Choice choice) {
    SessionQueue s = choice.session;
    QueuedEntry entry = s.poll(choice.queue);
    queued.remove(entry.ref().key);
    s.lastTurn = ++turn;
    s.tasksRunning += entry.ref().taskCount;
    Binding binding = worker.bindings.get(s.info.sessionId());
    if (binding == null) {
      binding = new Binding(s.info.sessionId(), ++generations, clock.getAsLong());
      worker.bindings.put(s.info.sessionId(), binding);
      s.boundActive++;
      s.boundTotal++;
      if (WorkerDescriptor.KIND_GRPC.equals(worker.descriptor.kind())) {
        instructions.add(instruction(true, worker, binding, false));
      }
    }
    worker.hold(entry.ref().key, s.info.sessionId(), entry.need(), binding);
    QueuedEntry running = new QueuedEntry(entry.ref(), entry.need(), entry.attempts() + 1, entry.jobFailures(), entry.avoidWorker());
    inFlight.put(entry.ref().key, new InFlight(running, worker.id(), clock.getAsLong()));
    if (s.queuedBatches == 0) {
      endIdleBindings(s);
    }
    return new Assignment(
        entry.ref().key,
        s.info.sessionId(),
        s.info.appId(),
        worker.id(),
        worker.descriptor.kind(),
        worker.descriptor.nodeId(),
        running.attempts(),
        binding.generation,
        s.info.maxTaskRunningNanos(),
        fastAbortAfter(s, running));
  }

  /** A session without queued batches keeps only the bindings that still hold batches. */
  private void endIdleBindings(SessionQueue s) {
    for (WorkerLoad w : workers.values()) {
      Binding b = w.bindings.get(s.info.sessionId());
      if (b != null && b.held == 0) {
        endBinding(w, b, true);
      }
    }
  }

  private long fastAbortAfter(SessionQueue s, QueuedEntry entry) {
    if (s.info.fastAbortMultiplier() <= 0) {
      return 0;
    }
    SessionQueue.RunTimes times = s.runTimes.get(categoryOf(entry));
    if (times == null || times.count < FAST_ABORT_MIN_SAMPLES) {
      return 0;
    }
    return (long) (times.meanNanos() * s.info.fastAbortMultiplier());
  }

  private static String categoryOf(QueuedEntry e) {
    return e.ref().category == null ? "" : e.ref().category;
  }

  /**
   * Sets every session's target; returns whether sessions compete (more than one has work), the
   * only case in which rebalancing can be needed.
   */
  private boolean computeTargets() {
    List<SessionQueue> active = new ArrayList<>();
    for (SessionQueue s : sessions.values()) {
      if (s.hasWork()) {
        active.add(s);
      } else {
        s.target = 0;
      }
    }
    if (active.size() <= 1) {
      active.forEach(s -> s.target = Integer.MAX_VALUE);
      return false;
    }
    active.sort(Comparator.comparingInt((SessionQueue s) -> -s.info.priority()).thenComparingLong(s -> s.lastTurn));
    Map<SessionQueue, Integer> demand = new HashMap<>();
    for (SessionQueue s : active) {
      demand.put(s, Math.min(s.demand(), eligibleWorkers(s)));
      s.target = 0;
    }
    int remaining = workers.size();
    for (SessionQueue s : active) {
      int give = Math.min(Math.min(s.info.minWorkers(), demand.get(s)), remaining);
      s.target = give;
      remaining -= give;
    }
    int i = 0;
    while (i < active.size() && remaining > 0) {
      int priority = active.get(i).info.priority();
      int end = i;
      while (end < active.size() && active.get(end).info.priority() == priority) {
        end++;
      }
      List<SessionQueue> level = active.subList(i, end);
      while (remaining > 0) {
        SessionQueue neediest = null;
        for (SessionQueue s : level) {
          if (s.target < demand.get(s) && (neediest == null || s.target < neediest.target)) {
            neediest = s;
          }
        }
        if (neediest == null) {
          break;
        }
        neediest.target++;
        remaining--;
      }
      i = end;
    }
    return true;
  }

  private int eligibleWorkers(SessionQueue s) {
    int n = 0;
    for (WorkerLoad w : workers.values()) {
      if (canServe(w, s)) {
        n++;
      }
    }
    return n;
  }

  /** Takes workers from sessions above target for sessions below theirs, one worker at a time. */
  private void rebalance() {
    List<SessionQueue> byPriority = new ArrayList<>(sessions.values());
    byPriority.sort(Comparator.comparingInt((SessionQueue s) -> -s.info.priority()).thenComparingLong(s -> s.lastTurn));
    long now = clock.getAsLong();
    for (SessionQueue s : byPriority) {
      while (s.queuedBatches > 0 && s.boundActive + s.incoming < s.target) {
        if (!takeOneWorker(s, now)) {
          break;
        }
      }
    }
  }

  private boolean takeOneWorker(SessionQueue claimant, long now) {
    boolean belowMin = claimant.boundActive + claimant.incoming < claimant.info.minWorkers();
    WorkerLoad bestWorker = null;
    Binding bestBinding = null;
    SessionQueue bestVictim = null;
    for (WorkerLoad w : workers.values()) {
      if (!canServe(w, claimant) || w.bindings.containsKey(claimant.info.sessionId()) || !couldEverFit(w, claimant)) {
        continue;
      }
      for (Binding b : w.bindings.values()) {
        SessionQueue victim = sessions.get(b.sessionId);
        if (b.draining || victim == null || victim.boundActive <= victim.target) {
          continue;
        }
        int vp = victim.info.priority();
        int cp = claimant.info.priority();
        boolean allowed =
            vp < cp ? victim.info.preemptible() || belowMin
                : vp == cp ? now - b.boundAtNanos >= quantumNanos
                : belowMin && victim.boundActive > victim.info.minWorkers();
        if (allowed && (bestVictim == null || worseVictim(victim, bestVictim))) {
          bestWorker = w;
          bestBinding = b;
          bestVictim = victim;
        }
      }
    }
    if (bestWorker == null) {
      return false;
    }
    drain(bestWorker, bestBinding, claimant, bestVictim.info.preemptible());
    return true;
  }

  /** Lower priority gives first, then the session furthest above its target. */
  private static boolean worseVictim(SessionQueue a, SessionQueue b) {
    if (a.info.priority() != b.info.priority()) {
      return a.info.priority() < b.info.priority();
    }
    return a.boundActive - a.target > b.boundActive - b.target;
  }

  /** Whether the worker offers enough, when empty, for the session's next batch. */
  private static boolean couldEverFit(WorkerLoad w, SessionQueue s) {
    for (NeedQueue q : s.queues.values()) {
      if (!q.batches.isEmpty() && (q.need == null || w.descriptor.resources().covers(q.need))) {
        return true;
      }
    }
    return false;
  }

  /** UNBIND: the worker takes no more of the session's batches; it is freed for {@code claimant}. */
  private void drain(WorkerLoad w, Binding b, SessionQueue claimant, boolean returnUnstarted) {
    b.draining = true;
    SessionQueue victim = sessions.get(b.sessionId);
    if (victim != null) {
      victim.boundActive--;
    }
    if (claimant != null) {
      b.beneficiary = claimant.info.sessionId();
      claimant.incoming++;
    }
    instructions.add(instruction(false, w, b, returnUnstarted));
    if (b.held == 0) {
      endBinding(w, b, false);
    }
  }

  private Instruction instruction(boolean bind, WorkerLoad w, Binding b, boolean returnUnstarted) {
    SessionQueue s = sessions.get(b.sessionId);
    String appId = s == null ? "" : s.info.appId();
    return new Instruction(
        bind, w.id(), w.descriptor.kind(), w.descriptor.nodeId(), b.sessionId, appId, b.generation, returnUnstarted);
  }

  // ---- figures ----

  Map<String, SessionQueue> sessions() {
    return sessions;
  }

  Map<String, WorkerLoad> workers() {
    return workers;
  }

  long[] totals() {
    return new long[] {tasksDone, tasksFailed, tasksDeadLettered, tasksCancelled};
  }

  /** The grid's task counters (every session, closed ones too), for the checkpoint. */
  TaskCounters gridCounters() {
    return new TaskCounters(tasksDone, tasksFailed, tasksDeadLettered, tasksCancelled);
  }

  /** Each open session's task counters, for the checkpoint. */
  Map<String, TaskCounters> sessionCounters() {
    Map<String, TaskCounters> counters = new HashMap<>();
    sessions.forEach((id, s) -> counters.put(id, new TaskCounters(s.tasksDone, s.tasksFailed, s.tasksDeadLettered, 0)));
    return counters;
  }

  /** Carries on from a checkpoint: a new scheduler's figures start where the last one's ended. */
  void restoreGridCounters(TaskCounters c) {
    tasksDone += c.done();
    tasksFailed += c.failed();
    tasksDeadLettered += c.deadLettered();
    tasksCancelled += c.cancelled();
  }

  /** As {@link #restoreGridCounters}, for a session just added. */
  void restoreSessionCounters(String sessionId, TaskCounters c) {
    SessionQueue s = sessions.get(sessionId);
    if (s != null) {
      s.tasksDone += c.done();
      s.tasksFailed += c.failed();
      s.tasksDeadLettered += c.deadLettered();
    }
  }

  int queuedCount() {
    return queued.size();
  }

  int inFlightCount() {
    return inFlight.size();
  }


  /** Iterator helper for tests: the sessions a worker is bound to. */
  List<String> boundSessionsOf(String workerId) {
    WorkerLoad w = workers.get(workerId);
    if (w == null) {
      return List.of();
    }
    List<String> bound = new ArrayList<>();
    for (Iterator<Binding> it = w.bindings.values().iterator(); it.hasNext(); ) {
      Binding b = it.next();
      if (!b.draining) {
        bound.add(b.sessionId);
      }
    }
    return bound;
  }
}
