package dev.gridqueue.worker.internal;

import dev.gridqueue.grid.notice.WorkerInstruction;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Per session, the latest binding generation the scheduler took away from this worker (UNBIND):
 * batches of that generation or older that have not started go back to the scheduler.
 */
public final class UnboundSessions {
  private final String workerId;
  private final ConcurrentMap<String, Long> unbound = new ConcurrentHashMap<>();

  public UnboundSessions(String workerId) {
    this.workerId = workerId;
  }

  /** Takes an UNBIND naming this worker; ignores the rest. */
  public void onInstruction(WorkerInstruction instruction) {
    if (!instruction.bind()
        && instruction.returnUnstarted()
        && workerId.equals(instruction.workerId())) {
      unbound.merge(instruction.sessionId(), instruction.generation(), Math::max);
    }
  }

  /** Whether batches of this binding generation must be handed back unstarted. */
  public boolean isUnbound(String sessionId, long generation) {
    Long taken = unbound.get(sessionId);
    return taken != null && generation > 0 && generation <= taken;
  }
}
