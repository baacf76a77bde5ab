package dev.gridqueue.scheduler.internal;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the next decision must look at, so that it costs O(what changed) and not O(grid): the stale
 * workers (added, released something, or unsaturated when new work arrived), which are the only
 * ones placement examines, and whether targets are stale (sessions or workers came or went, or a
 * session's work started or ended). The ledger and bindings mark; placement and the policy round
 * take.
 */
final class Agenda {
  private final Set<WorkerLoad> stale = new LinkedHashSet<>();
  private boolean policyDirty = true;

  void markStale(WorkerLoad worker) {
    stale.add(worker);
  }

  /** Marks every worker a batch could join now (see {@link Placement#saturated}). */
  void markUnsaturated(Iterable<WorkerLoad> workers, Map<String, SessionQueue> sessions) {
    for (WorkerLoad w : workers) {
      if (!Placement.saturated(w, sessions)) {
        stale.add(w);
      }
    }
  }

  /** A worker that left is never examined. */
  void forget(WorkerLoad worker) {
    stale.remove(worker);
  }

  boolean hasStale() {
    return !stale.isEmpty();
  }

  /** Moves the stale workers into {@code round}, in the order they were marked. */
  void takeStale(List<WorkerLoad> round) {
    round.addAll(stale);
    stale.clear();
  }

  void policyDirty() {
    policyDirty = true;
  }

  boolean isPolicyDirty() {
    return policyDirty;
  }

  /** Targets were just recomputed. */
  void policyDone() {
    policyDirty = false;
  }
}
