package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.work.WorkerDescriptor;
import dev.gridqueue.scheduler.internal.WorkerLoad.Binding;
import java.util.ArrayList;
import java.util.List;

/**
 * The BIND/UNBIND outbox: which binding changes a worker must hear of, collected until the loop
 * hands them to the dispatcher. The ledger reports every change; this class alone decides who is
 * told. A polyglot worker is told every BIND and every UNBIND (it keeps its own list of sessions);
 * a drain is always told, whatever the worker, because it may hand unstarted batches back (the
 * dispatcher drops the ones a JVM worker does not need).
 */
final class Instructions {
  private final List<Instruction> pending = new ArrayList<>();

  /** A worker was bound to {@code session}. */
  void bound(WorkerLoad w, Binding b, SessionQueue session) {
    if (polyglot(w)) {
      pending.add(instruction(true, w, b, session, false));
    }
  }

  /**
   * A binding ended. The worker is told only if {@code tell} (not when it left the grid) and the
   * binding was not drained (a drained worker heard its UNBIND when the drain began).
   */
  void ended(WorkerLoad w, Binding b, SessionQueue session, boolean tell) {
    if (tell && !b.draining() && polyglot(w)) {
      pending.add(instruction(false, w, b, session, false));
    }
  }

  /** The binding is being drained; {@code returnUnstarted}: unstarted batches come back. */
  void draining(WorkerLoad w, Binding b, SessionQueue session, boolean returnUnstarted) {
    pending.add(instruction(false, w, b, session, returnUnstarted));
  }

  /** BIND/UNBIND instructions decided since the last call. */
  List<Instruction> drain() {
    if (pending.isEmpty()) {
      return List.of();
    }
    List<Instruction> drained = List.copyOf(pending);
    pending.clear();
    return drained;
  }

  private static boolean polyglot(WorkerLoad w) {
    return WorkerDescriptor.KIND_GRPC.equals(w.descriptor.kind());
  }

  /** {@code session} null: it is gone (closed), and the instruction names no app. */
  private static Instruction instruction(
      boolean bind, WorkerLoad w, Binding b, SessionQueue session, boolean returnUnstarted) {
    String appId = session == null ? "" : session.info.appId();
    return new Instruction(
        bind,
        w.id(),
        w.descriptor.kind(),
        w.descriptor.nodeId(),
        b.sessionId,
        appId,
        b.generation,
        returnUnstarted);
  }
}
