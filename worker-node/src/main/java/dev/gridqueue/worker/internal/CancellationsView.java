package dev.gridqueue.worker.internal;

import dev.gridqueue.grid.store.CancelSet;
import org.apache.ignite.IgniteCache;

/**
 * The sessions' cancellations as this worker reads them (through a near cache on a worker node).
 */
public final class CancellationsView {
  private final IgniteCache<String, CancelSet> cache;

  public CancellationsView(IgniteCache<String, CancelSet> cache) {
    this.cache = cache;
  }

  /** The session's cancellations; empty if it has none. */
  public CancelSet of(String sessionId) {
    CancelSet set = cache == null ? null : cache.get(sessionId);
    return set == null ? CancelSet.EMPTY : set;
  }
}
