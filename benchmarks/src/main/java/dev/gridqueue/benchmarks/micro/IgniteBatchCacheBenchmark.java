package dev.gridqueue.benchmarks.micro;

import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.GridNodes;
import dev.gridqueue.grid.LocalGridPorts;
import dev.gridqueue.grid.store.StoredBatch;
import java.util.concurrent.TimeUnit;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Put and get of one {@link StoredBatch} in the {@code gq-batches} cache of a real single embedded
 * Ignite server node, configured as gridqueue configures it (ATOMIC, FULL_SYNC; with one node there
 * is no backup copy to write, so this is the floor under the replicated put of a real grid).
 *
 * <p>{@code tasks} tasks of 100 bytes: 10 gives a ≈1 KB batch, 100 a ≈10 KB batch. {@code put}
 * writes a new key per invocation (a new batch is accepted); the cache is cleared after every
 * iteration to bound off-heap memory, and if one iteration writes more than {@link
 * #PUT_BUDGET_BYTES} worth of batches the keys wrap and later puts overwrite. {@code get} reads a
 * fixed set of {@value #WARM_KEYS} batches written in setup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgs = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class IgniteBatchCacheBenchmark {
  private static final int TASK_BYTES = 100;
  private static final int WARM_KEYS = 1024;
  private static final long PUT_BUDGET_BYTES = 1L << 30;
  private static final long DATA_REGION_BYTES = 2L << 30;
  private static final String SESSION = "session-1";

  @Param({"10", "100"})
  int tasks;

  private String instanceName;
  private Ignite ignite;
  private IgniteCache<String, StoredBatch> batches;
  private byte[] payload;
  private String[] putKeys;
  private String[] warmKeys;
  private int putIndex;
  private int getIndex;
  private long sequence;
  private long sequenceAfterWarmUp;

  @Setup(Level.Trial)
  public void startNode() {
    payload = TaskBatches.of(SESSION, tasks, TASK_BYTES, 3).toByteArray();
    int ring = (int) Math.min(1 << 20, PUT_BUDGET_BYTES / (payload.length + 200));
    putKeys = new String[ring];
    for (int i = 0; i < ring; i++) {
      putKeys[i] = "put-" + i;
    }
    warmKeys = new String[WARM_KEYS];
    for (int i = 0; i < WARM_KEYS; i++) {
      warmKeys[i] = "warm-" + i;
    }
    instanceName = "bench-" + System.nanoTime();
    ignite =
        GridNodes.start(
            LocalGridPorts.allocate()
                .options(instanceName)
                .workDirectory(BenchWork.directory())
                .dataRegionMaxBytes(DATA_REGION_BYTES)
                .build());
    try {
      batches = ignite.cache(CacheNames.BATCHES);
      putWarmKeys();
    } catch (RuntimeException | Error e) {
      stopNode();
      throw e;
    }
  }

  @Benchmark
  public void put() {
    int i = putIndex;
    putIndex = i + 1 == putKeys.length ? 0 : i + 1;
    batches.put(putKeys[i], StoredBatch.queued(SESSION, sequence++, 0, payload));
  }

  @Benchmark
  public StoredBatch get() {
    StoredBatch found = batches.get(warmKeys[getIndex]);
    getIndex = (getIndex + 1) & (WARM_KEYS - 1);
    return found;
  }

  @TearDown(Level.Iteration)
  public void dropPutBatches() {
    if (sequence != sequenceAfterWarmUp) {
      batches.clear();
      putWarmKeys();
      putIndex = 0;
    }
  }

  @TearDown(Level.Trial)
  public void stopNode() {
    if (ignite != null) {
      ignite.close();
      ignite = null;
      BenchWork.deleteNodeFiles(instanceName);
    }
  }

  private void putWarmKeys() {
    for (String key : warmKeys) {
      batches.put(key, StoredBatch.queued(SESSION, sequence++, 0, payload));
    }
    StoredBatch sample = batches.get(warmKeys[0]);
    if (sample == null || sample.payload().length != payload.length) {
      throw new IllegalStateException("warm batch not readable back from " + CacheNames.BATCHES);
    }
    sequenceAfterWarmUp = sequence;
  }
}
