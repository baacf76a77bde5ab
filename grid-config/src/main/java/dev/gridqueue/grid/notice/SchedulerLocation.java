package dev.gridqueue.grid.notice;

import dev.gridqueue.grid.CacheNames;
import java.util.UUID;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;

/**
 * Which grid node runs the scheduler, in the replicated scheduler cache. A starting scheduler
 * claims the location after it listens for {@link BatchesQueued} and before it scans the grid for
 * queued batches; a node that stored batches reads it afterwards. So every stored batch is either
 * announced to a scheduler that listens or stored before that scheduler's scan.
 */
public final class SchedulerLocation {
  private static final String KEY = "location";

  private final IgniteCache<String, Object> cache;

  public SchedulerLocation(Ignite ignite) {
    this.cache = ignite.cache(CacheNames.SCHEDULER);
  }

  /** Records {@code node} as the scheduler's; returns once every copy holds it. */
  public void claim(UUID node) {
    cache.put(KEY, node);
  }

  /** The scheduler's node as last claimed; null before any scheduler ran. Local on server nodes. */
  public UUID current() {
    Object node = cache.localPeek(KEY);
    return node instanceof UUID id ? id : null;
  }
}
