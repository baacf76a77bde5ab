package dev.gridqueue.scheduler.internal;

import dev.gridqueue.scheduler.internal.WorkerLoad.Binding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The life of a worker's binding to a session, from its first batch of the session to its last:
 * bound when placement gives it one, drained when taken back, ended as soon as it holds nothing and
 * waits for nothing. Every change keeps the session's bound counts (active, total, incoming) equal
 * to what the workers' bindings say, marks what the next decision must look at, and is reported to
 * {@link Instructions}. Reads the ledger's sessions and workers (its live maps, which it never
 * changes); changes only bindings and those counts.
 */
final class Bindings {
  private final Map<String, SessionQueue> sessions;
  private final Map<String, WorkerLoad> workers;
  private final Agenda agenda;
  private final Instructions instructions;
  private final LongSupplier clock;

  /** Binding generations; start from the wall clock so a new scheduler never reuses old ones. */
  private long generations = System.currentTimeMillis() << 16;

  Bindings(
      Map<String, SessionQueue> sessions,
      Map<String, WorkerLoad> workers,
      Agenda agenda,
      Instructions instructions,
      LongSupplier clock) {
    this.sessions = sessions;
    this.workers = workers;
    this.agenda = agenda;
    this.instructions = instructions;
    this.clock = clock;
  }

  /** The worker's binding to the session, made now (BIND) if it had none. */
  Binding bind(WorkerLoad worker, SessionQueue s) {
    Binding binding = worker.binding(s.id());
    if (binding == null) {
      binding = worker.bind(s.id(), ++generations, clock.getAsLong());
      s.bound();
      instructions.bound(worker, binding, s);
    }
    return binding;
  }

  /**
   * UNBIND: the worker takes no more of the session's batches and goes to {@code claimant} (null:
   * nobody in particular) once its last one returns; {@code returnUnstarted}: those not started
   * come back now.
   */
  void drain(WorkerLoad w, Binding b, SessionQueue claimant, boolean returnUnstarted) {
    b.drain(claimant == null ? null : claimant.id());
    SessionQueue victim = sessions.get(b.sessionId);
    if (victim != null) {
      victim.draining();
    }
    if (claimant != null) {
      claimant.expectWorker();
    }
    instructions.draining(w, b, victim, returnUnstarted);
    if (b.held() == 0) {
      end(w, b, false);
    }
  }

  /**
   * Fast abort blocklisted the worker for the session: unless already draining, it takes no more of
   * the session's batches and hands back those not started.
   */
  void drainBlocklisted(WorkerLoad w, SessionQueue s) {
    Binding b = w == null ? null : w.binding(s.id());
    if (b != null && !b.draining()) {
      drain(w, b, null, true);
    }
  }

  /**
   * After an update of the session's attributes: a worker it may no longer use (its host blocked, a
   * tag it lacks) and the workers above a lowered max_workers get UNBIND, as in preemption — the
   * batch running finishes, those not started come back. Of the workers above the cap, those
   * holding the fewest batches go first.
   */
  void enforce(SessionQueue s) {
    for (WorkerLoad w : workers.values()) {
      Binding b = w.binding(s.id());
      if (b != null && !b.draining() && !Placement.canServe(w, s)) {
        drain(w, b, null, true);
      }
    }
    int cap = s.info.maxWorkers();
    while (cap > 0 && s.boundActive() > cap) {
      WorkerLoad lightest = null;
      Binding lightestBinding = null;
      for (WorkerLoad w : workers.values()) {
        Binding b = w.binding(s.id());
        if (b != null
            && !b.draining()
            && (lightestBinding == null || b.held() < lightestBinding.held())) {
          lightest = w;
          lightestBinding = b;
        }
      }
      if (lightest == null) {
        return;
      }
      drain(lightest, lightestBinding, null, true);
    }
  }

  /** The worker just released a batch of {@code b}'s session ({@code s}, null if closed). */
  void released(WorkerLoad worker, Binding b, SessionQueue s) {
    if (b.held() == 0 && (b.draining() || s == null || s.queuedBatches() == 0)) {
      end(worker, b, true);
    }
  }

  /** A session with nothing queued keeps only the bindings that still hold batches. */
  void endIdle(SessionQueue s) {
    for (WorkerLoad w : workers.values()) {
      Binding b = w.binding(s.id());
      if (b != null && b.held() == 0) {
        end(w, b, true);
      }
    }
  }

  /**
   * Ends bindings that hold nothing and have nothing to wait for (session gone, draining, or no
   * queued batches). Events normally end them; this keeps a missed one from reserving a worker.
   */
  void sweepIdle() {
    List<WorkerLoad> on = new ArrayList<>();
    List<Binding> idle = new ArrayList<>();
    for (WorkerLoad w : workers.values()) {
      for (Binding b : w.bindings()) {
        SessionQueue s = sessions.get(b.sessionId);
        if (b.held() == 0 && (s == null || b.draining() || s.queuedBatches() == 0)) {
          on.add(w);
          idle.add(b);
        }
      }
    }
    for (int i = 0; i < idle.size(); i++) {
      end(on.get(i), idle.get(i), true);
    }
  }

  /**
   * The session closed (already out of the sessions): a worker holding nothing of it is freed now,
   * one still running its batches drains, UNBIND told (they return and end the binding); workers
   * drained for it are no longer awaited.
   */
  void sessionClosed(String sessionId) {
    for (WorkerLoad w : workers.values()) {
      Binding b = w.binding(sessionId);
      if (b != null && b.held() == 0) {
        end(w, b, true);
      } else if (b != null && !b.draining()) {
        drain(w, b, null, false); // told now: once drained, its end is not told again
      }
      for (Binding other : w.bindings()) {
        other.forgetBeneficiary(sessionId);
      }
    }
  }

  /** The worker left the grid (what it held was taken back): its bindings end untold. */
  void workerLeft(WorkerLoad worker) {
    for (Binding b : new ArrayList<>(worker.bindings())) {
      end(worker, b, false);
    }
  }

  private void end(WorkerLoad worker, Binding b, boolean tellWorker) {
    worker.unbind(b);
    if (workers.get(worker.id()) == worker) {
      agenda.markStale(worker);
    }
    SessionQueue s = sessions.get(b.sessionId);
    if (s != null) {
      s.unbound(b.draining());
      if (s.boundTotal() == 0 && s.queuedBatches() == 0) {
        agenda.policyDirty();
      }
      if (s.info.maxWorkers() > 0 && s.queuedBatches() > 0) {
        agenda.markUnsaturated(
            workers.values(), sessions); // under its cap again: other workers may take it now
      }
    }
    if (b.beneficiary() != null) {
      SessionQueue beneficiary = sessions.get(b.beneficiary());
      if (beneficiary != null) {
        beneficiary.expectedWorkerFree();
      }
    }
    instructions.ended(worker, b, s, tellWorker);
  }
}
