package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.grid.work.WorkerDescriptor;
import dev.gridqueue.scheduler.internal.SessionQueue.NeedQueue;
import dev.gridqueue.scheduler.internal.SessionQueue.QueuedEntry;
import dev.gridqueue.scheduler.internal.WorkerLoad.Binding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which queued batch goes to which worker. A worker serves a session only if it runs the session's
 * app, carries all its tags, is not on a blocked host and not blocklisted for it (fast abort). A
 * batch that declares no resources takes the whole worker (no other session bound to it, nothing
 * else committed); declared batches are packed while their needs fit what the worker offers. A
 * worker holds at most {@code max_inflight_batches_per_worker} batches of a session, and a session
 * is bound to at most {@code max_workers} workers. Of the sessions a worker may take a batch from,
 * it serves those below target first, then higher priority, then the one served least recently;
 * within a session, batch priority then FIFO, per distinct need.
 *
 * <p>Holds no state: it reads the ledger and places through it, examining only the workers on the
 * {@link Agenda}, so a decision costs O(changed workers × sessions).
 */
final class Placement {
  private final Ledger ledger;
  private final Agenda agenda;
  private final List<WorkerLoad> round = new ArrayList<>();

  Placement(Ledger ledger, Agenda agenda) {
    this.ledger = ledger;
    this.agenda = agenda;
  }

  /** Rounds over the stale workers, one batch per worker per round, until none takes more. */
  void fill(List<Assignment> assignments) {
    while (agenda.hasStale() && ledger.queuedCount() > 0) {
      round.clear();
      agenda.takeStale(round);
      for (WorkerLoad worker : round) {
        Choice choice = choose(worker);
        if (choice != null) {
          assignments.add(place(worker, choice));
          agenda.markStale(worker); // it may take more next round
        }
      }
    }
  }

  private record Choice(SessionQueue session, NeedQueue queue) {}

  /** The session and queue whose next batch this worker should take; null if none fits. */
  private Choice choose(WorkerLoad worker) {
    Choice best = null;
    for (SessionQueue s : ledger.allSessions()) {
      if (s.queuedBatches() == 0 || !canServe(worker, s) || !hasRoom(worker, s)) {
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

  private Assignment place(WorkerLoad worker, Choice choice) {
    SessionQueue s = choice.session;
    Ledger.InFlight placed = ledger.place(worker, s, choice.queue);
    return new Assignment(
        placed.entry().ref().key,
        s.id(),
        s.info.appId(),
        worker.id(),
        worker.descriptor.kind(),
        worker.descriptor.nodeId(),
        placed.entry().attempts(),
        placed.generation(),
        s.info.maxTaskRunningNanos(),
        FastAbort.abortAfterNanos(s, placed.entry()),
        placed.entry().need(),
        CategorySizing.atMax(s, placed.entry()) != null,
        placed.entry().ref().taskCount);
  }

  /** Sessions below target first, then higher priority, then the one served least recently. */
  static boolean before(SessionQueue a, SessionQueue b) {
    boolean aShort = a.belowTarget();
    boolean bShort = b.belowTarget();
    if (aShort != bShort) {
      return aShort;
    }
    if (a.info.priority() != b.info.priority()) {
      return a.info.priority() > b.info.priority();
    }
    return a.lastTurn() < b.lastTurn();
  }

  /** Eligibility: whether the worker may ever serve the session (app, tags, host, blocklist). */
  static boolean canServe(WorkerLoad worker, SessionQueue s) {
    WorkerDescriptor d = worker.descriptor;
    return d.serves(s.info.appId())
        && d.tags().containsAll(s.info.tags())
        && !d.onHost(s.info.blockedHosts())
        && !s.fastAbort.blocklists(d.workerId());
  }

  /** Binding limits: not draining, within max_workers, within max in flight. */
  static boolean hasRoom(WorkerLoad worker, SessionQueue s) {
    Binding b = worker.binding(s.id());
    if (b == null) {
      return s.info.maxWorkers() == 0 || s.boundTotal() < s.info.maxWorkers();
    }
    return !b.draining() && b.held() < s.info.maxInflightBatchesPerWorker();
  }

  /** Of the session's queues whose head fits this worker now, the one with the earliest head. */
  private static NeedQueue bestFittingQueue(WorkerLoad worker, SessionQueue s) {
    NeedQueue best = null;
    for (NeedQueue q : s.queues()) {
      QueuedEntry head = q.head();
      if (head == null || worker.id().equals(head.avoidWorker()) || !fitsNow(worker, s, q.need)) {
        continue;
      }
      if (best == null || SessionQueue.BATCH_ORDER.compare(head, best.head()) < 0) {
        best = q;
      }
    }
    return best;
  }

  /** Resource fit: whole-worker batches need the worker to themselves; declared ones must fit. */
  static boolean fitsNow(WorkerLoad worker, SessionQueue s, ResourceAmounts need) {
    if (need == null) {
      return !worker.boundToOtherThan(s.id()) && worker.committed().isNone();
    }
    return worker.wholeWorkerSession() == null
        && worker.descriptor.resources().covers(worker.committed().plus(need));
  }

  /** Whether the worker offers enough, when empty, for one of the session's queued batches. */
  static boolean couldEverFit(WorkerLoad w, SessionQueue s) {
    for (NeedQueue q : s.queues()) {
      if (!q.isEmpty() && (q.need == null || w.descriptor.resources().covers(q.need))) {
        return true;
      }
    }
    return false;
  }

  /**
   * A worker no new batch can join now: held whole by a session at its in-flight limit, or with all
   * its cores and gpus committed (a batch needing neither is placed at its next release).
   */
  static boolean saturated(WorkerLoad w, Map<String, SessionQueue> sessions) {
    String whole = w.wholeWorkerSession();
    if (whole == null) {
      ResourceAmounts total = w.descriptor.resources();
      ResourceAmounts committed = w.committed();
      return !committed.isNone()
          && committed.cores() >= total.cores()
          && committed.gpus() >= total.gpus();
    }
    Binding b = w.binding(whole);
    SessionQueue s = sessions.get(whole);
    return b.draining() || s == null || b.held() >= s.info.maxInflightBatchesPerWorker();
  }
}
