package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.grid.IgniteConfigFactory;
import dev.gridqueue.grid.errors.QuotaExceededException;
import org.apache.ignite.DataRegionMetrics;
import org.apache.ignite.Ignite;

/**
 * Refuses writes a client asks for (task batches, shared-data levels) once this node's data region
 * is nearly full, with RESOURCE_EXHAUSTED naming the limit. Why not let the region fill: Ignite
 * fails a write that finds no free page midway through its B+tree update (seen in DataRegionFullIT:
 * "B+Tree is corrupted" follows the out-of-memory error), so the region must never be allowed to
 * fill; the quotas per session and per server are the main bound, this guard the last one, covering
 * what they do not count (backups written here by other servers, shared data of many sessions). The
 * fill is read at most every {@link #REFRESH_NANOS} ns.
 */
public final class DataRegionGuard {
  static final long REFRESH_NANOS = 100_000_000L;

  private final Ignite ignite;
  private final long maxBytes;
  private final long refuseAbove;
  private volatile long usedBytes;
  private volatile long readAt = System.nanoTime() - REFRESH_NANOS;

  /** Bytes let through since the fill was last read (not in it yet). */
  private final java.util.concurrent.atomic.AtomicLong sinceRead =
      new java.util.concurrent.atomic.AtomicLong();

  /** Refuses a write that would take the region above {@code fraction} of its size. */
  public DataRegionGuard(Ignite ignite, double fraction) {
    this.ignite = ignite;
    this.maxBytes =
        ignite
            .configuration()
            .getDataStorageConfiguration()
            .getDefaultDataRegionConfiguration()
            .getMaxSize();
    this.refuseAbove = (long) (maxBytes * fraction);
  }

  /** Throws {@link QuotaExceededException} if {@code bytes} more would pass the limit. */
  public void check(long bytes) {
    long used = used() + sinceRead.get();
    if (used + bytes > refuseAbove) {
      throw new QuotaExceededException(
          "this server's memory for the grid is nearly full: "
              + used
              + " of "
              + maxBytes
              + " bytes used, and writes stop at "
              + refuseAbove
              + " (--data-region-mb); acknowledge results or delete shared data, or retry later");
    }
    sinceRead.addAndGet(bytes);
  }

  private long used() {
    long now = System.nanoTime();
    if (now - readAt >= REFRESH_NANOS) {
      DataRegionMetrics m = ignite.dataRegionMetrics(IgniteConfigFactory.DATA_REGION);
      if (m != null) {
        usedBytes = m.getTotalUsedSize();
        sinceRead.set(0);
      }
      readAt = now;
    }
    return usedBytes;
  }
}
