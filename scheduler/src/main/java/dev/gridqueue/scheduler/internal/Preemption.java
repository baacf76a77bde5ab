package dev.gridqueue.scheduler.internal;

import dev.gridqueue.scheduler.internal.WorkerLoad.Binding;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Taking workers back, cooperatively: a session below its target with queued work takes a worker
 * from a session above its own, which gets UNBIND and runs no more of its batches there (the one
 * running finishes). From a lower priority only if that session is {@code preemptible} (its
 * unstarted batches on the worker then come back without counting as attempts) or to meet the
 * claimant's {@code min_workers}; from an equal priority once the binding has lasted a fair-share
 * quantum (time slices, so no session starves even on one worker); from a higher priority only to
 * meet {@code min_workers}, and never below that session's own minimum.
 *
 * <p>Holds no state but the quantum: it reads targets and bindings and drains through {@link
 * Bindings}, which counts the drained worker as incoming for the claimant.
 */
final class Preemption {
  /** How long an equal-priority binding lasts at least before it is rebalanced. */
  static final long DEFAULT_FAIR_SHARE_QUANTUM_NANOS = 1_000_000_000L;

  private final Ledger ledger;
  private final LongSupplier clock;
  private final long quantumNanos;

  Preemption(Ledger ledger, LongSupplier clock, long quantumNanos) {
    this.ledger = ledger;
    this.clock = clock;
    this.quantumNanos = quantumNanos;
  }

  /** Takes workers from sessions above target for sessions below theirs, one worker at a time. */
  void rebalance() {
    List<SessionQueue> byPriority = new ArrayList<>(ledger.allSessions());
    byPriority.sort(Targets.PRIORITY_ORDER);
    long now = clock.getAsLong();
    for (SessionQueue s : byPriority) {
      while (s.queuedBatches() > 0 && s.belowTarget()) {
        if (!takeOneWorker(s, now)) {
          break;
        }
      }
    }
  }

  private boolean takeOneWorker(SessionQueue claimant, long now) {
    boolean belowMin = claimant.boundActive() + claimant.incoming() < claimant.info.minWorkers();
    WorkerLoad bestWorker = null;
    Binding bestBinding = null;
    SessionQueue bestVictim = null;
    for (WorkerLoad w : ledger.allWorkers()) {
      if (!Placement.canServe(w, claimant)
          || w.isBoundTo(claimant.id())
          || !Placement.couldEverFit(w, claimant)) {
        continue;
      }
      for (Binding b : w.bindings()) {
        SessionQueue victim = ledger.session(b.sessionId);
        if (b.draining() || victim == null || victim.boundActive() <= victim.target()) {
          continue;
        }
        if (mayTake(claimant, victim, b, belowMin, now)
            && (bestVictim == null || worseVictim(victim, bestVictim))) {
          bestWorker = w;
          bestBinding = b;
          bestVictim = victim;
        }
      }
    }
    if (bestWorker == null) {
      return false;
    }
    ledger.bindings().drain(bestWorker, bestBinding, claimant, bestVictim.info.preemptible());
    return true;
  }

  /** Whether {@code claimant} may take the worker of {@code victim}'s binding {@code b}. */
  private boolean mayTake(
      SessionQueue claimant, SessionQueue victim, Binding b, boolean belowMin, long now) {
    int vp = victim.info.priority();
    int cp = claimant.info.priority();
    if (vp < cp) {
      return victim.info.preemptible() || belowMin;
    }
    if (vp == cp) {
      return now - b.boundAtNanos >= quantumNanos;
    }
    return belowMin && victim.boundActive() > victim.info.minWorkers();
  }

  /** Lower priority gives first, then the session furthest above its target. */
  private static boolean worseVictim(SessionQueue a, SessionQueue b) {
    if (a.info.priority() != b.info.priority()) {
      return a.info.priority() < b.info.priority();
    }
    return a.boundActive() - a.target() > b.boundActive() - b.target();
  }
}
