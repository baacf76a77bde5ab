package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.GridCounter;
import dev.gridqueue.grid.store.QueuedBatchRef;
import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.grid.store.TaskCounters;
import dev.gridqueue.grid.work.BatchUsage;
import dev.gridqueue.grid.work.WorkerDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The scheduling policy as the loop and the service see it: state in (sessions, batches, workers,
 * job reports) and decisions out ({@link #assign()}: batches to workers; {@link
 * #drainInstructions()}: BIND/UNBIND; {@link #drainGivenUp()}: batches to dead-letter).
 * Deterministic given its events and its clock; single-threaded (only the scheduling loop touches
 * it); rebuilt from the caches when the scheduler moves to another node.
 *
 * <p>A thin facade: each event is routed to the parts that own its rules, so that each rule can be
 * read and tested on its own (README "Scheduling rules" has the user's version):
 *
 * <ul>
 *   <li>{@link Ledger}, with {@link Bindings} and {@link Agenda}: the state itself — sessions and
 *       their queues, workers and their bindings, batches queued and running — kept consistent;
 *   <li>{@link Placement}: eligibility, resource fit and packing, the whole-worker rule, the
 *       in-flight and max_workers limits, which session a free worker serves;
 *   <li>{@link Targets}: fair-share targets with min/max workers and priorities;
 *   <li>{@link Preemption}: taking workers back (UNBIND, unstarted batches returned, time slices);
 *   <li>{@link RetryRules}: queued again or given up (max_retries, failing jobs);
 *   <li>{@link FastAbort}: run-time means per category, abort limits, strikes and blocklisting;
 *   <li>{@link TaskTally}: the task counters; {@link Instructions}: the BIND/UNBIND outbox.
 * </ul>
 */
final class SchedulerState {
  /**
   * Targets and rebalancing are recomputed at most this often (and whenever sessions or workers
   * come or go): they are goals, not placements, and cost O(sessions x workers).
   */
  static final long POLICY_INTERVAL_NANOS = 10_000_000L;

  /** Why a running batch came back. */
  enum Loss {
    /**
     * Its worker left the grid (crash, hang, shutdown): counts against the session's max_retries.
     */
    WORKER_LOST,
    /** The job failed on a live worker (not a task error): counts against MAX_JOB_FAILURES. */
    JOB_FAILED,
    /** Fast abort: ran too long; retried elsewhere, counts against max_retries. */
    FAST_ABORTED,
    /**
     * Its (polyglot) worker held it past its deadline without answering: taken back, retried
     * elsewhere like a fast abort (a strike against the worker), counts against max_retries.
     */
    HELD_PAST_DEADLINE
  }

  /** A batch the scheduler gave up on: its tasks must be dead-lettered with {@code reason}. */
  record GivenUp(String batchKey, int attempts, String reason) {}

  /**
   * What a finished job reported: its tasks by how they ended, the time they ran, what they used,
   * and what moving the batch cost its worker (bytes and time reading the batch, writing the
   * results).
   */
  record Outcome(
      int tasks,
      int failed,
      int cancelled,
      long runNanos,
      BatchUsage usage,
      long bytesRead,
      long readNanos,
      long bytesWritten,
      long writeNanos) {
    Outcome(int tasks, int failed, int cancelled, long runNanos) {
      this(tasks, failed, cancelled, runNanos, BatchUsage.NONE, 0, 0, 0, 0);
    }

    Outcome(
        int tasks,
        int failed,
        int cancelled,
        long runNanos,
        long bytesRead,
        long readNanos,
        long bytesWritten,
        long writeNanos) {
      this(
          tasks,
          failed,
          cancelled,
          runNanos,
          BatchUsage.NONE,
          bytesRead,
          readNanos,
          bytesWritten,
          writeNanos);
    }
  }

  private final LongSupplier clock;
  private final Instructions instructions = new Instructions();
  private final Agenda agenda = new Agenda();
  private final Ledger ledger;
  private final Placement placement;
  private final Preemption preemption;
  private final TaskTally tally = new TaskTally();
  private final CensusWindow census = new CensusWindow();
  private final RetryRules retries;
  private final Capacity capacity = new Capacity();
  private TransactionsLog log = TransactionsLog.OFF;

  /**
   * Batches accepted before this time (epoch ms) were counted as submitted by the scheduler before
   * this one (its last checkpoint); a new scheduler finds them queued again and must not count them
   * twice.
   */
  private long countedSubmittedBeforeMillis;

  private long lastPolicyNanos;
  private boolean contended;

  SchedulerState() {
    this(System::nanoTime, Preemption.DEFAULT_FAIR_SHARE_QUANTUM_NANOS);
  }

  SchedulerState(LongSupplier clock, long quantumNanos) {
    this.clock = clock;
    this.ledger = new Ledger(clock, agenda, instructions);
    this.placement = new Placement(ledger, agenda);
    this.preemption = new Preemption(ledger, clock, quantumNanos);
    this.retries = new RetryRules(ledger, tally, census);
  }

  /** Logs events to {@code log} from now on. */
  void logTo(TransactionsLog log) {
    this.log = log;
    retries.logTo(log);
  }

  // ---- events ----

  boolean knowsSession(String sessionId) {
    return ledger.session(sessionId) != null;
  }

  void addSession(SessionInfo info) {
    ledger.addSession(info);
  }

  /** A newer version of a known session's attributes; see {@link Ledger#updateSession}. */
  void updateSession(SessionInfo info) {
    ledger.updateSession(info);
  }

  /** The ids of the sessions it knows, and the version of each. */
  Map<String, Long> sessionVersions() {
    Map<String, Long> versions = new java.util.HashMap<>();
    ledger.allSessions().forEach(s -> versions.put(s.id(), s.info.version()));
    return versions;
  }

  /** Forgets a closed session; its running batches finish and are skipped on write-back. */
  void removeSession(String sessionId) {
    ledger.removeSession(sessionId);
  }

  /**
   * Whether the scheduler has the batch queued or running, or saw it end while the current census
   * ran (the census may have read it still queued).
   */
  boolean knowsBatch(String key) {
    return ledger.isQueued(key) || ledger.isRunning(key) || census.sawEnd(key);
  }

  /**
   * A grid census starts: batches ending from now on are remembered until {@link #censusEnded()}.
   */
  void censusStarted() {
    census.open();
  }

  void censusEnded() {
    census.close();
  }

  /** Per session, the queued and running batches accepted before {@code cutoffMillis}. */
  Map<String, Long> settledBatchesBySession(long cutoffMillis) {
    return ledger.settledBatchesBySession(cutoffMillis);
  }

  /** Queues a batch unless it is already queued or running (a re-scan may report it twice). */
  void enqueue(QueuedBatchRef ref) {
    if (!knowsBatch(ref.key)) {
      SessionQueue.QueuedEntry entry = ledger.enqueue(ref);
      if (ref.acceptedAtMillis() >= countedSubmittedBeforeMillis) {
        tally.submitted(ledger.session(ref.sessionId), ref.taskCount);
      }
      log.waiting(ref, entry.need());
    }
  }

  /** A worker joined: counted in workers_joined. */
  void addWorker(WorkerDescriptor worker) {
    addWorker(worker, true);
  }

  /**
   * A worker is there; {@code joined}: it joined now (false: a scheduler taking over finds it, and
   * the scheduler before it counted it).
   */
  void addWorker(WorkerDescriptor worker, boolean joined) {
    if (ledger.addWorker(worker)) {
      if (joined) {
        tally.worker(ledger.worker(worker.workerId()), GridCounter.WORKERS_JOINED);
      }
      log.workerConnected(worker);
    }
  }

  /**
   * Removes the workers of a node that left and re-queues what they were running; {@code lost}: the
   * node failed rather than leaving cleanly.
   */
  void removeWorkersOn(UUID nodeId, boolean lost) {
    ledger.workersOn(nodeId).forEach(w -> removeWorker(w.id(), "its worker left the grid", lost));
  }

  void removeWorkersOn(UUID nodeId) {
    removeWorkersOn(nodeId, false);
  }

  /** Removes one worker (a polyglot worker whose stream ended) and re-queues what it held. */
  void removeWorker(String workerId, String reason) {
    removeWorker(workerId, reason, false);
  }

  /** As {@link #removeWorker(String, String)}; {@code lost}: counted in workers_lost too. */
  void removeWorker(String workerId, String reason, boolean lost) {
    WorkerLoad worker = ledger.worker(workerId);
    if (worker == null) {
      return;
    }
    new ArrayList<>(worker.heldKeys())
        .forEach(key -> requeue(key, workerId, Loss.WORKER_LOST, reason));
    tally.worker(worker, GridCounter.WORKERS_REMOVED);
    if (lost) {
      tally.worker(worker, GridCounter.WORKERS_LOST);
    }
    log.workerDisconnected(worker, lost);
    ledger.removeWorker(worker);
  }

  /**
   * The batch's job ended because its worker's node left the grid: that node's workers are removed
   * now (what they held queued again, once), not when the node's departure event reaches the loop.
   * In between, the batch would be assigned to the dead worker again and spend a second attempt
   * there (a killed worker's task ran again as attempt 3 instead of 2).
   */
  void lostWithNode(String key, String workerId, UUID nodeId) {
    // Lost, not removed cleanly: its node vanished while it held work. The node's departure event
    // finds the workers gone already, so this is where workers_lost counts them.
    removeWorkersOn(nodeId, true);
    requeue(key, workerId, Loss.WORKER_LOST, "its worker left"); // no-op if re-queued above
  }

  /** The batch ran (or was found already done) on the worker, as {@code outcome} reports. */
  void finished(String key, String workerId, Outcome outcome) {
    Ledger.InFlight running = ledger.takeBack(key, workerId);
    if (running == null) {
      return;
    }
    census.ended(key);
    SessionQueue session = ledger.session(running.entry().ref().sessionId);
    WorkerLoad worker = ledger.worker(workerId);
    tally.finished(session, worker, outcome);
    if (session != null) {
      FastAbort.ran(session, running.entry(), outcome.runNanos());
      CategorySizing.ran(session, running.entry(), outcome.usage());
    }
    ResourceAmounts need = running.entry().need();
    if (outcome.tasks() > 0) { // a run that found the batch done already ran nothing
      capacity.report(
          outcome.runNanos(),
          outcome.readNanos() + outcome.writeNanos(),
          clock.getAsLong() - running.dispatchedAtNanos(),
          need != null
              ? need
              : worker != null ? worker.descriptor.resources() : ResourceAmounts.NONE);
    }
    log.done(key, workerId, outcome);
  }

  /**
   * A task of the batch went past its allocation ({@code why}) and the batch's category offers
   * more: the batch is queued again with the category's maximum ({@link RetryRules#retryAtMax}).
   */
  void exhausted(String key, String workerId, String why, BatchUsage usage) {
    retries.retryAtMax(key, workerId, why, usage);
  }

  /**
   * The worker handed the batch back unstarted (it was unbound): queued again, no attempt spent.
   */
  void returnedUnstarted(String key, String workerId) {
    retries.returnedUnstarted(key, workerId);
  }

  /**
   * The batch's job did not complete on the worker: queued again, or given up on ({@link
   * RetryRules}).
   */
  void requeue(String key, String workerId, Loss loss, String detail) {
    retries.requeue(key, workerId, loss, detail);
  }

  // ---- decisions ----

  /** Batches given up on since the last call, to be dead-lettered by the dispatcher. */
  List<GivenUp> drainGivenUp() {
    return retries.drain();
  }

  /** BIND/UNBIND instructions decided since the last call. */
  List<Instruction> drainInstructions() {
    return instructions.drain();
  }

  /**
   * Assigns queued batches to workers with room until no more fit, then takes workers from sessions
   * above their target for sessions below theirs. Targets are recomputed when something changed
   * them, or every {@link #POLICY_INTERVAL_NANOS} (time alone ends a quantum).
   */
  List<Assignment> assign() {
    if (ledger.sessions().isEmpty()) {
      return List.of();
    }
    long now = clock.getAsLong();
    boolean policyDue = agenda.isPolicyDirty() || now - lastPolicyNanos >= POLICY_INTERVAL_NANOS;
    if (policyDue) {
      ledger.bindings().sweepIdle();
      ledger.markUnsaturatedStale(); // safety net: a worker left out waits 10 ms at most
      contended = Targets.compute(ledger.allSessions(), ledger.allWorkers());
      lastPolicyNanos = now;
      agenda.policyDone();
    }
    List<Assignment> assignments = new ArrayList<>();
    placement.fill(assignments);
    for (Assignment a : assignments) {
      tally.dispatched(ledger.session(a.sessionId()), ledger.worker(a.workerId()), a.taskCount());
      log.running(a, a.taskCount());
    }
    if (contended && policyDue) {
      preemption.rebalance();
    }
    return assignments;
  }

  // ---- figures ----

  /** Sessions by id, read-only (figures). */
  Map<String, SessionQueue> sessions() {
    return ledger.sessions();
  }

  /** Workers by id, read-only (figures). */
  Map<String, WorkerLoad> workers() {
    return ledger.workers();
  }

  /** The grid's task counters (every session, closed ones too), for the checkpoint and figures. */
  TaskCounters gridCounters() {
    return tally.grid();
  }

  /** Each open session's task counters, for the checkpoint. */
  Map<String, TaskCounters> sessionCounters() {
    return TaskTally.of(ledger.allSessions());
  }

  /**
   * Carries on from a checkpoint: a new scheduler's figures start where the last one's ended, and
   * batches accepted before the checkpoint are not counted as submitted again.
   */
  void restoreGridCounters(TaskCounters c) {
    tally.restoreGrid(c);
    countedSubmittedBeforeMillis = c.takenAtMillis();
  }

  /** Work Queue's capacity estimates from the latest batches. */
  dev.gridqueue.scheduler.CapacityFigures capacity() {
    return capacity.figures();
  }

  /** As {@link #restoreGridCounters}, for a session just added. */
  void restoreSessionCounters(String sessionId, TaskCounters c) {
    SessionQueue s = ledger.session(sessionId);
    if (s != null) {
      TaskTally.restore(s, c);
    }
  }

  int queuedCount() {
    return ledger.queuedCount();
  }

  int inFlightCount() {
    return ledger.inFlightCount();
  }
}
