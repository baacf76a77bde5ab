package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.errors.PermissionDeniedException;
import dev.gridqueue.grid.store.SessionRecord;
import dev.gridqueue.server.security.Caller;
import java.util.function.BiPredicate;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;

/**
 * A session belongs to the API key (by name) that created it: every call on it by another client
 * key is refused with {@code PERMISSION_DENIED}. Unknown sessions and empty ids pass, so the call
 * answers {@code NOT_FOUND} or {@code INVALID_ARGUMENT} as before. The sessions cache is
 * replicated: the check is a local read.
 */
public final class SessionGuard {
  private final IgniteCache<String, SessionRecord> sessions;

  /** Whether a worker key serves a session (a worker it registered is bound to it). */
  private final BiPredicate<String, String> workerServes;

  public SessionGuard(Ignite ignite, BiPredicate<String, String> workerServes) {
    this.sessions = ignite.cache(CacheNames.SESSIONS);
    this.workerServes = workerServes;
  }

  /** Refuses {@code caller} the session {@code sessionId} unless it may use it. */
  public void check(Caller caller, String sessionId) {
    if (caller.isAdmin() || sessionId == null || sessionId.isEmpty()) {
      return;
    }
    SessionRecord record = sessions.get(sessionId);
    if (record == null) {
      return;
    }
    if (caller.role() == Caller.Role.WORKER
        ? !workerServes.test(caller.name(), sessionId)
        : !caller.mayUseSessionOf(record.owner())) {
      throw new PermissionDeniedException(
          "session "
              + sessionId
              + " is not "
              + (caller.role() == Caller.Role.WORKER
                  ? "served by a worker of " + caller
                  : "owned by " + caller + ": only the key that created it may use it"));
    }
  }

  /**
   * Whether {@code caller} sees the session in GetStats: its own sessions for a client key, the
   * sessions its workers serve for a worker key.
   */
  public boolean sees(Caller caller, String sessionId) {
    if (caller.isAdmin()) {
      return true;
    }
    if (caller.role() == Caller.Role.WORKER) {
      return workerServes.test(caller.name(), sessionId);
    }
    SessionRecord record = sessions.get(sessionId);
    return record != null && caller.mayUseSessionOf(record.owner());
  }
}
