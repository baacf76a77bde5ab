package dev.gridqueue.shareddata;

import dev.gridqueue.grid.errors.SharedDataNotFoundException;
import dev.gridqueue.grid.store.SharedDataHeader;
import dev.gridqueue.grid.store.SharedDataKeys;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.CachePeekMode;

/**
 * Reads shared-data levels from the grid. On a worker node the cache it is given is a near cache,
 * so a level's chunks are fetched from the grid once and then read locally; {@link #chunkFetches()}
 * counts the chunks that were not local yet.
 */
public final class SharedDataReader {
  private final IgniteCache<String, Object> cache;
  private final boolean countFetches;
  private final AtomicLong chunkFetches = new AtomicLong();

  /**
   * @param cache the shared-data cache, or a near cache over it
   * @param countFetches whether to count chunks not yet in the near cache (worker nodes)
   */
  public SharedDataReader(IgniteCache<String, Object> cache, boolean countFetches) {
    this.cache = cache;
    this.countFetches = countFetches;
  }

  /** The level to read: {@code level} if given, else the session's latest. */
  public int resolveLevel(String sessionId, Integer level) {
    if (level != null) {
      return level;
    }
    Object latest = cache.get(SharedDataKeys.latest(sessionId));
    if (latest == null) {
      throw new SharedDataNotFoundException(sessionId, null);
    }
    return (Integer) latest;
  }

  /** The header of a stored, unexpired level. */
  public SharedDataHeader header(String sessionId, int level) {
    Object header = cache.get(SharedDataKeys.header(sessionId, level));
    if (!(header instanceof SharedDataHeader h)) {
      throw new SharedDataNotFoundException(sessionId, level);
    }
    return h;
  }

  /** The payload of a level, assembled from its chunks. */
  public byte[] payload(String sessionId, SharedDataHeader header) {
    Set<String> keys = new LinkedHashSet<>();
    for (int i = 0; i < header.chunkCount(); i++) {
      keys.add(SharedDataKeys.chunk(sessionId, header.level(), header.generation(), i));
    }
    if (countFetches) {
      for (String key : keys) {
        if (cache.localPeek(key, CachePeekMode.NEAR) == null) {
          chunkFetches.incrementAndGet();
        }
      }
    }
    Map<String, Object> chunks = cache.getAll(keys);
    byte[] payload = new byte[Math.toIntExact(header.sizeBytes())];
    int offset = 0;
    for (String key : keys) {
      Object chunk = chunks.get(key);
      if (!(chunk instanceof byte[] bytes)) {
        throw new SharedDataNotFoundException(sessionId, header.level()); // expired under our feet
      }
      System.arraycopy(bytes, 0, payload, offset, bytes.length);
      offset += bytes.length;
    }
    return payload;
  }

  /** Chunks read from the grid rather than the local near cache, since this reader was made. */
  public long chunkFetches() {
    return chunkFetches.get();
  }
}
