package dev.gridqueue.benchmarks.load;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.store.StoredBatch;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import org.apache.ignite.DataRegionMetrics;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.query.QueryCursor;
import org.apache.ignite.cache.query.ScanQuery;

/**
 * Memory held per queued task: submits tasks to a grid with no worker, so every task stays queued,
 * then compares heap (after GC) and Ignite's off-heap pages with the empty grid. Driver, grid and
 * scheduler share the JVM, so the heap figure is an upper bound for the grid node alone.
 */
final class QueuedMemoryProbe {
  record Result(
      long tasks, int batchSize, long heapBytes, long offHeapBytes, double submitSeconds) {
    double heapPerTask() {
      return (double) heapBytes / tasks;
    }

    double offHeapPerTask() {
      return (double) offHeapBytes / tasks;
    }
  }

  private final Ignite ignite;
  private final GridQueueClient client;

  QueuedMemoryProbe(Ignite ignite, GridQueueClient client) {
    this.ignite = ignite;
    this.client = client;
  }

  Result measure(long tasks, int batchSize, int payloadBytes) throws Exception {
    long heapBefore = usedHeapAfterGc();
    long offHeapBefore = offHeapUsed();
    byte[] payload = new byte[payloadBytes];
    long start = System.nanoTime();
    TaskSession session =
        client.openSession(SessionOptions.forApp("echo").batchSize(batchSize).build());
    for (long i = 0; i < tasks; i++) {
      session.submit(Long.toString(i), payload);
    }
    session.flush();
    while (storedTasks() < tasks) {
      Thread.sleep(
          200); // accepted asynchronously (and coalesced): wait until the grid holds every task
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long heap = usedHeapAfterGc() - heapBefore;
    long offHeap = offHeapUsed() - offHeapBefore;
    session.close();
    return new Result(tasks, batchSize, heap, offHeap, seconds);
  }

  private long storedTasks() {
    IgniteCache<String, StoredBatch> batches = ignite.cache(CacheNames.BATCHES);
    long total = 0;
    try (QueryCursor<Integer> counts =
        batches.query(new ScanQuery<String, StoredBatch>(), e -> e.getValue().taskCount())) {
      for (int count : counts) {
        total += count;
      }
    }
    return total;
  }

  private long offHeapUsed() {
    DataRegionMetrics m = ignite.dataRegionMetrics("default");
    return m == null ? 0 : m.getTotalUsedSize();
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
