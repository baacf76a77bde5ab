package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.grid.work.WorkerDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One worker as the policy tracks it: the batches it holds, the sessions it is bound to, and the
 * resources those batches commit. A session that holds batches declaring no resources holds the
 * whole worker ({@link #wholeWorkerSession}). Only its own methods change it, so what it commits
 * always matches what it holds.
 */
final class WorkerLoad {
  final WorkerDescriptor descriptor;

  /** Its task figures; only {@link TaskTally} counts into them. */
  final TaskTally.Counts tasks = new TaskTally.Counts();

  /** Held batch key to what it commits (null: the whole worker). */
  private final Map<String, Held> held = new HashMap<>();

  private final Map<String, Binding> bindings = new LinkedHashMap<>();
  private final Collection<Binding> bindingsView =
      Collections.unmodifiableCollection(bindings.values());
  private ResourceAmounts committed = ResourceAmounts.NONE;

  private record Held(String sessionId, ResourceAmounts need) {}

  /** A worker's binding to a session: from its first batch of the session to its last. */
  static final class Binding {
    final String sessionId;
    final long generation;
    final long boundAtNanos;
    private int held;
    private int wholeWorkerHeld;

    /** Being taken away (UNBIND sent): no new batches; ends when the last one returns. */
    private boolean draining;

    /** The session the worker is drained for; null when not draining, or drained for none. */
    private String beneficiary;

    Binding(String sessionId, long generation, long boundAtNanos) {
      this.sessionId = sessionId;
      this.generation = generation;
      this.boundAtNanos = boundAtNanos;
    }

    int held() {
      return held;
    }

    boolean draining() {
      return draining;
    }

    String beneficiary() {
      return beneficiary;
    }

    /** Takes no new batches from now on; {@code forSession} (null: none) gets the worker after. */
    void drain(String forSession) {
      draining = true;
      if (forSession != null) {
        beneficiary = forSession;
      }
    }

    /** The session it was drained for is gone: nobody waits for this worker any more. */
    void forgetBeneficiary(String sessionId) {
      if (sessionId.equals(beneficiary)) {
        beneficiary = null;
      }
    }
  }

  WorkerLoad(WorkerDescriptor descriptor) {
    this.descriptor = descriptor;
  }

  String id() {
    return descriptor.workerId();
  }

  /** Its binding to the session; null if none. */
  Binding binding(String sessionId) {
    return bindings.get(sessionId);
  }

  /** Its bindings, read-only (draining ones included). */
  Collection<Binding> bindings() {
    return bindingsView;
  }

  boolean isBoundTo(String sessionId) {
    return bindings.containsKey(sessionId);
  }

  /** Binds the worker to the session (it held nothing of it). */
  Binding bind(String sessionId, long generation, long nowNanos) {
    Binding binding = new Binding(sessionId, generation, nowNanos);
    bindings.put(sessionId, binding);
    return binding;
  }

  /** Ends the binding: the session is no longer served here. */
  void unbind(Binding binding) {
    bindings.remove(binding.sessionId);
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

  /** What the held batches that declare resources commit (whole-worker batches not included). */
  ResourceAmounts committed() {
    return committed;
  }

  /** What its held batches commit: the whole worker if any declared nothing. */
  ResourceAmounts committedForStats() {
    return wholeWorkerSession() != null ? descriptor.resources() : committed;
  }

  /** Holds a batch of the binding's session; {@code need} null takes the whole worker. */
  void hold(String key, ResourceAmounts need, Binding binding) {
    held.put(key, new Held(binding.sessionId, need));
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

  /** Keys of the batches it holds, read-only. */
  Set<String> heldKeys() {
    return Collections.unmodifiableSet(held.keySet());
  }

  int heldCount() {
    return held.size();
  }

  /** The sessions it serves now (bound and not draining), in binding order. */
  List<String> activeSessions() {
    List<String> bound = new ArrayList<>();
    for (Binding b : bindings.values()) {
      if (!b.draining) {
        bound.add(b.sessionId);
      }
    }
    return bound;
  }
}
