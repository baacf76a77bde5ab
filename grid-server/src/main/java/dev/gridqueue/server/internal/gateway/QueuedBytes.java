package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.grid.errors.QuotaExceededException;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The queued-bytes quotas of one grid node: bytes of task batches its client streams put into the
 * grid that are still there (queued, running, or results not yet acknowledged), per session and in
 * all. A batch is counted (reserved) when it arrives, before it is buffered for the grid, so a
 * session that keeps sending work no worker takes is refused with RESOURCE_EXHAUSTED long before
 * the data region fills; its bytes leave the count when the batch leaves the grid (acknowledged, or
 * its ack timed out) or when its session is closed.
 *
 * <p>Counted on the node that accepted the batch (it holds the batch's primary copy): a session
 * whose results are acknowledged on another node after a failover keeps its count there until the
 * session closes. Conservative, never unbounded.
 */
final class QueuedBytes {
  private final long perSession;
  private final long perServer;
  private final AtomicLong total = new AtomicLong();
  private final Map<String, AtomicLong> bySession = new ConcurrentHashMap<>();

  /** Stored batch key to what it counts. */
  private final Map<String, Counted> byKey = new ConcurrentHashMap<>();

  private record Counted(String sessionId, long bytes) {}

  private final DataRegionGuard region;

  QueuedBytes(long perSession, long perServer, DataRegionGuard region) {
    this.region = region;
    this.perSession = perSession;
    this.perServer = perServer;
  }

  /**
   * Counts {@code bytes} arriving for {@code sessionId}, or refuses them (nothing counted) naming
   * the quota they would pass.
   */
  void reserve(String sessionId, long bytes) {
    region.check(bytes);
    AtomicLong session = bySession.computeIfAbsent(sessionId, s -> new AtomicLong());
    long nowSession = session.addAndGet(bytes);
    if (nowSession > perSession) {
      session.addAndGet(-bytes);
      throw new QuotaExceededException(
          "session "
              + sessionId
              + " has "
              + (nowSession - bytes)
              + " bytes of batches in the grid on this server; the limit is "
              + perSession
              + " bytes per session (queued-bytes quota): wait for results and acknowledge them");
    }
    long nowTotal = total.addAndGet(bytes);
    if (nowTotal > perServer) {
      total.addAndGet(-bytes);
      session.addAndGet(-bytes);
      throw new QuotaExceededException(
          "this server holds "
              + (nowTotal - bytes)
              + " bytes of queued batches; the limit is "
              + perServer
              + " bytes per server (queued-bytes quota): retry later or on another server");
    }
  }

  /** The reserved bytes were stored under {@code key}: they count until the key leaves. */
  void stored(String sessionId, String key, long bytes) {
    byKey.put(key, new Counted(sessionId, bytes));
  }

  /** Reserved bytes that were never stored (the store failed). */
  void unreserve(String sessionId, long bytes) {
    total.addAndGet(-bytes);
    AtomicLong session = bySession.get(sessionId);
    if (session != null) {
      session.addAndGet(-bytes);
    }
  }

  /** These stored batches left the grid (keys not counted here are ignored). */
  void removed(Collection<String> keys) {
    for (String key : keys) {
      Counted c = byKey.remove(key);
      if (c != null) {
        unreserve(c.sessionId(), c.bytes());
      }
    }
  }

  /** Forgets every session that is no longer open: its batches left the grid with it. */
  void forgetClosed(Predicate<String> isOpen) {
    for (String sessionId : bySession.keySet()) {
      if (!isOpen.test(sessionId)) {
        byKey.values().removeIf(c -> c.sessionId().equals(sessionId));
        AtomicLong gone = bySession.remove(sessionId);
        if (gone != null) {
          total.addAndGet(-gone.get());
        }
      }
    }
  }

  /** Bytes counted for {@code sessionId} (for tests and figures). */
  long ofSession(String sessionId) {
    AtomicLong n = bySession.get(sessionId);
    return n == null ? 0 : n.get();
  }
}
