package dev.gridqueue.worker.internal;

import dev.gridqueue.grid.store.SharedDataHeader;
import dev.gridqueue.shareddata.SharedDataReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's way to the shared data its batches read. Chunks come through the node's near cache;
 * assembled payloads are kept per level (bounded by bytes), so a level is fetched from the grid and
 * assembled once per worker, however many batches read it. Internal.
 */
public final class SharedDataAccess {
  private static final Logger LOG = LoggerFactory.getLogger(SharedDataAccess.class);

  private final SharedDataReader reader;
  private final SharedObjectCache decoded = new SharedObjectCache();
  private final long maxAssembledBytes;
  private final Map<String, byte[]> assembled = new LinkedHashMap<>(16, 0.75f, true);
  private long assembledBytes;
  private final AtomicLong levelFetches = new AtomicLong();

  /** Fetches in progress: batches starting together on a worker share one fetch of a level. */
  private final ConcurrentHashMap<String, CompletableFuture<byte[]>> fetching =
      new ConcurrentHashMap<>();

  public SharedDataAccess(SharedDataReader reader, long maxAssembledBytes) {
    this.reader = reader;
    this.maxAssembledBytes = maxAssembledBytes;
  }

  /**
   * The view of a level for one batch.
   *
   * @throws dev.gridqueue.grid.errors.SharedDataNotFoundException if the level is absent or expired
   */
  public SharedDataView open(String sessionId, Integer level) {
    int resolved = reader.resolveLevel(sessionId, level);
    SharedDataHeader header = reader.header(sessionId, resolved);
    return new SharedDataView(sessionId, resolved, () -> payload(sessionId, header), decoded);
  }

  private byte[] payload(String sessionId, SharedDataHeader header) {
    String key = sessionId + "/" + header.level() + "/" + header.generation();
    synchronized (assembled) {
      byte[] cached = assembled.get(key);
      if (cached != null) {
        return cached;
      }
    }
    CompletableFuture<byte[]> mine = new CompletableFuture<>();
    CompletableFuture<byte[]> running = fetching.putIfAbsent(key, mine);
    if (running != null) {
      return running.join(); // another batch is fetching this level: wait for it
    }
    try {
      byte[] payload = fetch(sessionId, header, key);
      mine.complete(payload);
      return payload;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      fetching.remove(key);
    }
  }

  private byte[] fetch(String sessionId, SharedDataHeader header, String key) {
    long fetchesBefore = reader.chunkFetches();
    long start = System.nanoTime();
    byte[] payload = reader.payload(sessionId, header);
    long fetched = reader.chunkFetches() - fetchesBefore;
    if (fetched > 0) {
      levelFetches.incrementAndGet();
      LOG.info(
          "fetched shared data of session {} level {}: {} bytes, {} chunks from the grid in {} ms",
          sessionId,
          header.level(),
          header.sizeBytes(),
          fetched,
          (System.nanoTime() - start) / 1_000_000);
    }
    keep(key, payload);
    return payload;
  }

  private void keep(String key, byte[] payload) {
    if (payload.length > maxAssembledBytes) {
      return;
    }
    synchronized (assembled) {
      if (assembled.putIfAbsent(key, payload) == null) {
        assembledBytes += payload.length;
      }
      var it = assembled.entrySet().iterator();
      while (assembledBytes > maxAssembledBytes && it.hasNext()) {
        assembledBytes -= it.next().getValue().length;
        it.remove();
      }
    }
  }

  /** Levels this worker fetched from the grid (not from its near cache) since it started. */
  public long levelFetches() {
    return levelFetches.get();
  }
}
