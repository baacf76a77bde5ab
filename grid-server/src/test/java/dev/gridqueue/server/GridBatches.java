package dev.gridqueue.server;

import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.store.BatchKeys;
import dev.gridqueue.grid.store.StoredBatch;
import java.util.HashMap;
import java.util.Map;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.query.ScanQuery;

/** Reads what a test grid's batches cache holds for a session. */
final class GridBatches {
  private GridBatches() {}

  static IgniteCache<String, StoredBatch> cache(EmbeddedGrid grid) {
    return grid.server().ignite().cache(CacheNames.BATCHES);
  }

  /**
   * Writes a done batch or dead-letter entry as the executing side does: stored, then announced to
   * the node serving the session.
   */
  static void writeAsAWorker(EmbeddedGrid grid, String key, StoredBatch batch) {
    cache(grid).put(key, batch);
    new dev.gridqueue.grid.notice.DeliveryRoutes(grid.server().ignite()).announce(key, batch, null);
  }

  /** Every entry of the session (queued, done, dead), by key. */
  static Map<String, StoredBatch> ofSession(EmbeddedGrid grid, String sessionId) {
    Map<String, StoredBatch> found = new HashMap<>();
    try (var cursor = cache(grid).query(new ScanQuery<String, StoredBatch>())) {
      for (var e : cursor) {
        if (BatchKeys.belongsTo(e.getKey(), sessionId)) {
          found.put(e.getKey(), e.getValue());
        }
      }
    }
    return found;
  }
}
