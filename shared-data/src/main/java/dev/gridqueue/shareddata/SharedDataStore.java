package dev.gridqueue.shareddata;

import com.google.protobuf.ByteString;
import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.errors.InvalidRequestException;
import dev.gridqueue.grid.errors.QuotaExceededException;
import dev.gridqueue.grid.errors.SessionNotFoundException;
import dev.gridqueue.grid.errors.UpdateLevelMismatchException;
import dev.gridqueue.grid.store.SharedDataHeader;
import dev.gridqueue.grid.store.SharedDataKeys;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.expiry.CreatedExpiryPolicy;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.query.QueryCursor;
import org.apache.ignite.cache.query.ScanQuery;
import org.apache.ignite.lang.IgniteBiPredicate;

/**
 * Versioned shared data of sessions, stored in the grid (ALPCRUN.CH's semantics).
 *
 * <ul>
 *   <li>{@link #set} stores a level (1 unless given) and makes it the latest;
 *   <li>{@link #update} stores latest + 1, else fails with "update level mismatch";
 *   <li>earlier levels stay readable until their TTL expires or the session's data is deleted;
 *   <li>every level has a TTL (Ignite expiry), at most {@link SharedDataLimits#maxTtl()}.
 * </ul>
 *
 * A level is written before it becomes the latest (chunks, then header, then the latest-level
 * compare-and-set), so a reader never sees a latest level without its data.
 */
public final class SharedDataStore {
  private final SharedDataLimits limits;
  private final IgniteCache<String, Object> cache;
  private final IgniteCache<String, Object> sessions;
  private final SharedDataReader reader;

  public SharedDataStore(Ignite ignite, SharedDataLimits limits) {
    this.limits = limits;
    this.cache = ignite.cache(CacheNames.SHARED_DATA);
    this.sessions = ignite.cache(CacheNames.SESSIONS);
    this.reader = new SharedDataReader(cache, false);
  }

  /** A stored level: its number and payload. */
  public record Level(int level, byte[] payload) {}

  /** Stores {@code level} (1 if null) and makes it the session's latest level. */
  public int set(String sessionId, Integer level, ByteString payload, Duration ttl) {
    int target = level == null ? 1 : level;
    if (target < 1) {
      throw new InvalidRequestException(
          "shared_data.update_level must be between 1 and "
              + ContractLimits.SHARED_DATA_MAX_LEVEL
              + ", got "
              + Integer.toUnsignedString(target));
    }
    Duration effective = validated(sessionId, payload, ttl);
    reserve(sessionId, target, payload.size(), effective);
    try {
      write(expiring(effective), sessionId, target, payload);
      cache.put(SharedDataKeys.latest(sessionId), target);
    } catch (RuntimeException e) {
      release(sessionId, target);
      throw e;
    }
    return target;
  }

  /** Stores the next level; {@code level}, if given, must be latest + 1. */
  public int update(String sessionId, Integer level, ByteString payload, Duration ttl) {
    Duration effective = validated(sessionId, payload, ttl);
    Integer latest = (Integer) cache.get(SharedDataKeys.latest(sessionId));
    if (latest != null && latest >= ContractLimits.SHARED_DATA_MAX_LEVEL) {
      throw new InvalidRequestException(
          "shared_data.update_level: session "
              + sessionId
              + " is at the highest level, "
              + ContractLimits.SHARED_DATA_MAX_LEVEL
              + "; delete its shared data to start again at 1");
    }
    int expected = latest == null ? 1 : latest + 1;
    int target = level == null ? expected : level;
    if (target != expected) {
      throw new UpdateLevelMismatchException(expected, target);
    }
    reserve(sessionId, target, payload.size(), effective);
    String generation;
    try {
      generation = write(expiring(effective), sessionId, target, payload);
    } catch (RuntimeException e) {
      release(sessionId, target);
      throw e;
    }
    boolean advanced =
        latest == null
            ? cache.putIfAbsent(SharedDataKeys.latest(sessionId), target)
            : cache.replace(SharedDataKeys.latest(sessionId), latest, target);
    if (!advanced) {
      // Another writer advanced the level first: withdraw ours, report what is expected now.
      cache.remove(SharedDataKeys.header(sessionId, target));
      removeChunks(sessionId, target, generation, chunkCount(payload.size()));
      Integer now = (Integer) cache.get(SharedDataKeys.latest(sessionId));
      throw new UpdateLevelMismatchException(now == null ? 1 : now + 1, target);
    }
    return target;
  }

  /**
   * Counts a level's bytes against the session's quota before any of it is written: refused with
   * RESOURCE_EXHAUSTED when the session's live levels would pass it.
   */
  private void reserve(String sessionId, int level, long bytes, Duration ttl) {
    long total =
        cache.invoke(
            SharedDataKeys.usage(sessionId),
            new SharedDataUsage.Reserve(
                level,
                bytes,
                System.currentTimeMillis() + ttl.toMillis(),
                limits.maxBytesPerSession()));
    if (total > limits.maxBytesPerSession()) {
      throw new QuotaExceededException(
          "shared data of session "
              + sessionId
              + " would hold "
              + total
              + " bytes; the limit is "
              + limits.maxBytesPerSession()
              + " bytes per session (delete its shared data, or wait for levels' TTL to end)");
    }
  }

  private void release(String sessionId, int level) {
    try {
      cache.invoke(SharedDataKeys.usage(sessionId), new SharedDataUsage.Release(level));
    } catch (RuntimeException e) {
      // best effort: the level's bytes then count until its TTL ends
    }
  }

  /** Reads {@code level}, or the latest level when null. */
  public Level get(String sessionId, Integer level) {
    requireOpenSession(sessionId);
    int target = reader.resolveLevel(sessionId, level);
    SharedDataHeader header = reader.header(sessionId, target);
    return new Level(target, reader.payload(sessionId, header));
  }

  /** Removes every level of the session's shared data, open or just closed (CloseSession). */
  public void deleteSession(String sessionId) {
    requireSessionId(sessionId);
    Set<String> keys = new HashSet<>();
    try (QueryCursor<Cache.Entry<String, Object>> cursor =
        cache.query(new ScanQuery<>(new KeysOfSession(sessionId)))) {
      for (Cache.Entry<String, Object> e : cursor) {
        keys.add(e.getKey());
      }
    }
    cache.removeAll(keys);
  }

  /** Removes every level of an open session's shared data (DeleteSharedData). */
  public void delete(String sessionId) {
    requireOpenSession(sessionId);
    deleteSession(sessionId);
  }

  private void requireOpenSession(String sessionId) {
    requireSessionId(sessionId);
    if (!sessions.containsKey(sessionId)) {
      throw new SessionNotFoundException(sessionId);
    }
  }

  /** Checks the session, payload and TTL; answers the TTL the level gets. */
  private Duration validated(String sessionId, ByteString payload, Duration ttl) {
    requireOpenSession(sessionId);
    if (payload.size() > limits.maxPayloadBytes()) {
      throw new InvalidRequestException(
          "shared_data.payload is "
              + payload.size()
              + " bytes; the maximum is "
              + limits.maxPayloadBytes());
    }
    Duration effective = ttl == null || ttl.isZero() ? limits.maxTtl() : ttl;
    if (effective.isNegative()) {
      throw new InvalidRequestException("shared_data.ttl must not be negative, got " + ttl);
    }
    if (effective.compareTo(limits.maxTtl()) > 0) {
      throw new InvalidRequestException(
          "shared_data.ttl of "
              + effective.toSeconds()
              + " s exceeds the maximum of "
              + limits.maxTtl().toSeconds()
              + " s");
    }
    return effective;
  }

  private IgniteCache<String, Object> expiring(Duration ttl) {
    return cache.withExpiryPolicy(
        new CreatedExpiryPolicy(
            new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, ttl.toMillis())));
  }

  /** Writes the chunks, then the header that makes them readable; returns the generation. */
  private String write(
      IgniteCache<String, Object> expiring, String sessionId, int level, ByteString payload) {
    String generation = UUID.randomUUID().toString().substring(0, 8);
    int chunkBytes = limits.chunkBytes();
    int chunks = chunkCount(payload.size());
    Map<String, Object> batch = new HashMap<>();
    for (int i = 0; i < chunks; i++) {
      int from = i * chunkBytes;
      batch.put(
          SharedDataKeys.chunk(sessionId, level, generation, i),
          payload.substring(from, Math.min(payload.size(), from + chunkBytes)).toByteArray());
      if (batch.size() == 16) { // bounded heap per call: 16 chunks at a time
        expiring.putAll(batch);
        batch.clear();
      }
    }
    expiring.putAll(batch);
    expiring.put(
        SharedDataKeys.header(sessionId, level),
        new SharedDataHeader(level, payload.size(), chunks, generation));
    return generation;
  }

  private void removeChunks(String sessionId, int level, String generation, int chunks) {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < chunks; i++) {
      keys.add(SharedDataKeys.chunk(sessionId, level, generation, i));
    }
    cache.removeAll(keys);
  }

  private int chunkCount(int size) {
    return Math.max(1, (size + limits.chunkBytes() - 1) / limits.chunkBytes());
  }

  private static void requireSessionId(String sessionId) {
    if (sessionId == null || sessionId.isEmpty()) {
      throw new InvalidRequestException("shared_data.session_id must not be empty");
    }
  }

  /** Every key of one session's shared data. */
  private static final class KeysOfSession implements IgniteBiPredicate<String, Object> {
    private static final long serialVersionUID = 1L;
    private final String sessionId;

    KeysOfSession(String sessionId) {
      this.sessionId = sessionId;
    }

    @Override
    public boolean apply(String key, Object value) {
      return SharedDataKeys.belongsTo(key, sessionId);
    }
  }
}
