package dev.gridqueue.server.internal.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.errors.SessionNotFoundException;
import dev.gridqueue.grid.store.SessionRecord;
import dev.gridqueue.proto.v1.SessionAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.cache.Cache;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.CachePeekMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes sessions whose {@code idle_timeout} (or, when they set none, the server's default) has
 * passed with no client attached. Every grid node records, each round, that its attached sessions
 * are alive; the oldest server node closes those idle too long (one node acts, so a session is
 * closed once).
 */
final class IdleSessionJanitor implements Runnable {
  static final long ROUND_MILLIS = 2_000;
  private static final Logger LOG = LoggerFactory.getLogger(IdleSessionJanitor.class);

  private final Ignite ignite;
  private final SessionStore sessions;
  private final Supplier<Set<String>> attachedHere;
  private final long defaultTimeoutMillis;

  IdleSessionJanitor(
      Ignite ignite,
      SessionStore sessions,
      Supplier<Set<String>> attachedHere,
      java.time.Duration defaultTimeout) {
    this.defaultTimeoutMillis = defaultTimeout.toMillis();
    this.ignite = ignite;
    this.sessions = sessions;
    this.attachedHere = attachedHere;
  }

  @Override
  public void run() {
    try {
      long now = System.currentTimeMillis();
      IgniteCache<String, Long> activity = ignite.cache(CacheNames.SESSION_ACTIVITY);
      Map<String, Long> alive = new HashMap<>();
      attachedHere.get().forEach(id -> alive.put(id, now));
      if (!alive.isEmpty()) {
        activity.putAll(alive);
      }
      if (ignite.cluster().forServers().forOldest().node().isLocal()) {
        closeIdle(activity, now);
      }
    } catch (RuntimeException e) {
      LOG.debug("idle-session round skipped: {}", e.toString());
    }
  }

  private void closeIdle(IgniteCache<String, Long> activity, long now) {
    IgniteCache<String, SessionRecord> records = ignite.cache(CacheNames.SESSIONS);
    for (Cache.Entry<String, SessionRecord> e :
        records.localEntries(CachePeekMode.PRIMARY, CachePeekMode.BACKUP)) {
      long timeoutMillis = idleTimeoutMillis(e.getValue());
      if (timeoutMillis <= 0) {
        continue;
      }
      Long last = activity.get(e.getKey());
      if (last != null && now - last > timeoutMillis) {
        try {
          sessions.close(e.getKey());
          LOG.info(
              "session {} closed: no client attached for more than {} ({} ms)",
              e.getKey(),
              hasOwnTimeout(e.getValue()) ? "its idle_timeout" : "the server's default idle time",
              timeoutMillis);
        } catch (SessionNotFoundException gone) {
          // closed meanwhile
        }
      }
    }
  }

  /** The session's own idle_timeout (zero: never), else the server's default. */
  private long idleTimeoutMillis(SessionRecord record) {
    try {
      SessionAttributes a = SessionAttributes.parseFrom(record.attributes());
      return a.hasIdleTimeout()
          ? a.getIdleTimeout().getSeconds() * 1000 + a.getIdleTimeout().getNanos() / 1_000_000
          : defaultTimeoutMillis;
    } catch (InvalidProtocolBufferException ex) {
      return 0;
    }
  }

  private static boolean hasOwnTimeout(SessionRecord record) {
    try {
      return SessionAttributes.parseFrom(record.attributes()).hasIdleTimeout();
    } catch (InvalidProtocolBufferException ex) {
      return false;
    }
  }
}
