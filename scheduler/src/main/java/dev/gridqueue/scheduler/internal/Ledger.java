package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.QueuedBatchRef;
import dev.gridqueue.grid.work.WorkerDescriptor;
import dev.gridqueue.scheduler.internal.SessionQueue.NeedQueue;
import dev.gridqueue.scheduler.internal.SessionQueue.QueuedEntry;
import dev.gridqueue.scheduler.internal.WorkerLoad.Binding;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The policy's working memory: sessions with their queues, workers, and every batch queued or
 * running. Its methods are the only way to change it, and each keeps the books balanced: a batch is
 * queued in exactly one session queue (and indexed by key) or runs on exactly one worker, with its
 * tasks counted as waiting or running accordingly. Bindings are kept by {@link Bindings} and what
 * the next decision must look at by {@link Agenda}, both of which it tells of every change. Rules
 * live in the parts that call it: which batch goes where ({@link Placement}), targets ({@link
 * Targets}), what to take back ({@link Preemption}), retries ({@link RetryRules}).
 */
final class Ledger {
  private final Map<String, SessionQueue> sessions = new LinkedHashMap<>();
  private final Map<String, WorkerLoad> workers = new LinkedHashMap<>();
  private final Map<String, SessionQueue> sessionsView = Collections.unmodifiableMap(sessions);
  private final Map<String, WorkerLoad> workersView = Collections.unmodifiableMap(workers);
  private final Map<String, InFlight> inFlight = new HashMap<>();
  private final Map<String, QueuedEntry> queued = new HashMap<>();
  private final LongSupplier clock;
  private final Agenda agenda;
  private final Bindings bindings;

  /** Placements so far: a session's last turn orders sessions served least recently first. */
  private long turn;

  /**
   * A running batch: the entry as dispatched (attempt counted), its worker and binding generation.
   */
  record InFlight(QueuedEntry entry, String workerId, long generation, long dispatchedAtNanos) {}

  Ledger(LongSupplier clock, Agenda agenda, Instructions instructions) {
    this.clock = clock;
    this.agenda = agenda;
    this.bindings = new Bindings(sessions, workers, agenda, instructions, clock);
  }

  /** The bindings of these workers to these sessions. */
  Bindings bindings() {
    return bindings;
  }

  // ---- sessions and batches ----

  SessionQueue session(String sessionId) {
    return sessions.get(sessionId);
  }

  /** Sessions by id, read-only, in the order they came. */
  Map<String, SessionQueue> sessions() {
    return sessionsView;
  }

  /**
   * The sessions in the order they came, for the parts that read them on every decision: the live
   * collection, not a read-only wrapper (whose iterator costs an allocation and a call the JIT
   * cannot inline there). Callers only read it.
   */
  Collection<SessionQueue> allSessions() {
    return sessions.values();
  }

  void addSession(SessionInfo info) {
    if (sessions.putIfAbsent(info.sessionId(), new SessionQueue(info)) == null) {
      agenda.policyDirty();
    }
  }

  /**
   * The session's attributes changed (UpdateSession): a newer version replaces its info, targets
   * are recomputed at the next decision, bindings the new attributes no longer allow are drained
   * ({@link Bindings#enforce}), and workers that may take more (a raised cap, an unblocked host)
   * are examined again. An older or repeated version, or an unknown session, changes nothing.
   */
  void updateSession(SessionInfo info) {
    SessionQueue s = sessions.get(info.sessionId());
    if (s == null || info.version() <= s.info.version()) {
      return;
    }
    s.info = info;
    agenda.policyDirty();
    bindings.enforce(s);
    agenda.markUnsaturated(workers.values(), sessions);
  }

  /** Forgets a closed session and its queued batches; see {@link Bindings#sessionClosed}. */
  void removeSession(String sessionId) {
    SessionQueue removed = sessions.remove(sessionId);
    if (removed == null) {
      return;
    }
    agenda.policyDirty();
    removed.forEachQueued(e -> queued.remove(e.ref().key));
    bindings.sessionClosed(sessionId);
  }

  boolean isQueued(String key) {
    return queued.containsKey(key);
  }

  boolean isRunning(String key) {
    return inFlight.containsKey(key);
  }

  int queuedCount() {
    return queued.size();
  }

  int inFlightCount() {
    return inFlight.size();
  }

  /**
   * Queues a new batch of a known session; its need is resolved from the session's declarations.
   */
  QueuedEntry enqueue(QueuedBatchRef ref) {
    SessionQueue session = sessions.get(ref.sessionId);
    if (session == null) {
      throw new IllegalStateException("enqueue for unknown session " + ref.sessionId);
    }
    QueuedEntry entry =
        new QueuedEntry(ref, CategorySizing.needOf(session, ref.need, ref.category), 0, 0, null);
    queued.put(ref.key, entry);
    addQueued(session, entry);
    return entry;
  }

  /** Queues a batch again (after a loss or a return); dropped if its session closed meanwhile. */
  void requeue(QueuedEntry entry) {
    SessionQueue session = sessions.get(entry.ref().sessionId);
    if (session != null) {
      queued.put(entry.ref().key, entry);
      addQueued(session, entry);
    }
  }

  /** Workers with room are examined again at the next placement. */
  private void addQueued(SessionQueue session, QueuedEntry entry) {
    if (session.queuedBatches() == 0) {
      agenda.policyDirty();
    }
    session.add(entry);
    agenda.markUnsaturated(workers.values(), sessions);
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

  // ---- workers ----

  WorkerLoad worker(String workerId) {
    return workers.get(workerId);
  }

  /** Workers by id, read-only, in the order they came. */
  Map<String, WorkerLoad> workers() {
    return workersView;
  }

  /** The workers in the order they came; live, read only (see {@link #allSessions}). */
  Collection<WorkerLoad> allWorkers() {
    return workers.values();
  }

  /** Marks every worker a batch could join now as stale (the policy round's safety net). */
  void markUnsaturatedStale() {
    agenda.markUnsaturated(workers.values(), sessions);
  }

  /** Adds a worker that joined; false if it was known already. */
  boolean addWorker(WorkerDescriptor worker) {
    WorkerLoad load = new WorkerLoad(worker);
    if (workers.putIfAbsent(worker.workerId(), load) == null) {
      agenda.markStale(load);
      agenda.policyDirty();
      return true;
    }
    return false;
  }

  List<WorkerLoad> workersOn(UUID nodeId) {
    List<WorkerLoad> on = new ArrayList<>();
    workers
        .values()
        .forEach(
            w -> {
              if (w.descriptor.nodeId().equals(nodeId)) {
                on.add(w);
              }
            });
    return on;
  }

  /** Forgets a worker that left, once what it held was taken back; it is not told. */
  void removeWorker(WorkerLoad worker) {
    bindings.workerLeft(worker);
    workers.remove(worker.id());
    agenda.forget(worker);
    agenda.policyDirty();
  }

  // ---- running batches ----

  /**
   * Runs the head of {@code q} on the worker, binding the worker to the session if it was not;
   * returns it as dispatched (one more attempt). A session left with nothing queued keeps only the
   * bindings that still hold batches.
   */
  InFlight place(WorkerLoad worker, SessionQueue s, NeedQueue q) {
    QueuedEntry entry = s.takeToRun(q, ++turn);
    queued.remove(entry.ref().key);
    Binding binding = bindings.bind(worker, s);
    worker.hold(entry.ref().key, entry.need(), binding);
    QueuedEntry running =
        new QueuedEntry(
            entry.ref(),
            entry.need(),
            entry.attempts() + 1,
            entry.jobFailures(),
            entry.avoidWorker());
    InFlight placed = new InFlight(running, worker.id(), binding.generation, clock.getAsLong());
    inFlight.put(entry.ref().key, placed);
    if (s.queuedBatches() == 0) {
      bindings.endIdle(s);
    }
    return placed;
  }

  /**
   * Takes a running batch back from {@code workerId} (it ended, or comes back to be queued again);
   * null if that worker does not run it (a late report: the batch moved on). The binding ends if it
   * holds nothing more and waits for nothing.
   */
  InFlight takeBack(String key, String workerId) {
    InFlight running = inFlight.get(key);
    if (running == null || !running.workerId.equals(workerId)) {
      return null;
    }
    inFlight.remove(key);
    SessionQueue session = sessions.get(running.entry.ref().sessionId);
    if (session != null) {
      session.runEnded(running.entry.ref().taskCount);
    }
    WorkerLoad worker = workers.get(workerId);
    if (worker == null) {
      return running;
    }
    Binding binding = worker.release(key);
    agenda.markStale(worker);
    if (binding != null) {
      bindings.released(worker, binding, session);
    }
    return running;
  }
}
