package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.grid.work.WorkerDescriptor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One worker as the policy tracks it: the batches it holds, the sessions it is bound to, and the
 * resources those batches commit. A session that holds batches declaring no resources holds the
 * whole worker ({@link #wholeWorkerSession}).
 */
final class WorkerLoad {
  final WorkerDescriptor descriptor;
  /** Held batch key to what it commits (null: the whole worker). */
  final Map<String, Held> held = new HashMap<>();
  final Map<String, Binding> bindings = new LinkedHashMap<>();
  ResourceAmounts committed = ResourceAmounts.NONE;
  long tasksDone;
  long tasksFailed;

  record Held(String sessionId, ResourceAmounts need) {}

  /** A worker's binding to a session: from its first batch of the session to its last. */
  static final class Binding {
    final String sessionId;
    final long generation;
    final long boundAtNanos;
    int held;
    int wholeWorkerHeld;
    /** Being taken away (UNBIND sent): no new batches; ends when the last one returns. */
    boolean draining;
    /** The session the worker is drained for; null when not draining. */
    String beneficiary;

    Binding(String sessionId, long generation, long boundAtNanos) {
      this.sessionId = sessionId;
      this.generation = generation;
      this.boundAtNanos = boundAtNanos;
    }
  }

  WorkerLoad(WorkerDescriptor descriptor) {
    this.descriptor = descriptor;
  }

  String id() {
    return descriptor.workerId();
  }

  /** The session holding batches that take the whole worker; null if none. */
  String wholeWorkerSession() {
    for (Binding b : bindings.values()) {
      if (b.wholeWorkerHeld > 0) {
        return b.sessionId;
      }
    }
    return null;
  }

  /** Whether another session than {@code sessionId} is bound here. */
  boolean boundToOtherThan(String sessionId) {
    for (String s : bindings.keySet()) {
      if (!s.equals(sessionId)) {
        return true;
      }
    }
    return false;
  }

  /** What its held batches commit: the whole worker if any declared nothing. */
  ResourceAmounts committedForStats() {
    return wholeWorkerSession() != null ? descriptor.resources() : committed;
  }

  void hold(String key, String sessionId, ResourceAmounts need, Binding binding) {
    held.put(key, new Held(sessionId, need));
    binding.held++;
    if (need == null) {
      binding.wholeWorkerHeld++;
    } else {
      committed = committed.plus(need);
    }
  }

  /** Releases a held batch; returns its binding, or null if the worker did not hold it. */
  Binding release(String key) {
    Held h = held.remove(key);
    if (h == null) {
      return null;
    }
    Binding binding = bindings.get(h.sessionId());
    if (h.need() == null) {
      binding.wholeWorkerHeld--;
    } else {
      committed = committed.minus(h.need());
    }
    binding.held--;
    return binding;
  }

  /** Batches held per session, for counting. */
  Map<String, Integer> heldBySession() {
    Map<String, Integer> counts = new HashMap<>();
    bindings.values().forEach(b -> counts.put(b.sessionId, b.held));
    return counts;
  }
}
