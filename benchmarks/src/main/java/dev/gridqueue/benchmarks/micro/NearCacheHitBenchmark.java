package dev.gridqueue.benchmarks.micro;

import dev.gridqueue.grid.GridNodes;
import dev.gridqueue.grid.LocalGridPorts;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.CacheMode;
import org.apache.ignite.cache.CachePeekMode;
import org.apache.ignite.configuration.CacheConfiguration;
import org.apache.ignite.configuration.NearCacheConfiguration;
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
 * Shared-data reads on a worker, measured on Ignite primitives the way the shared-data design
 * intends to use them: a partitioned cache on the grid's server nodes and a near cache on each
 * worker (an Ignite client node). <b>Shared data is not implemented yet</b> (the {@code Cache} gRPC
 * service answers UNIMPLEMENTED), so this measures the mechanism, not gridqueue code; the design
 * targets are a near-cache hit ≤ 20 µs and a first fetch of 10 MB ≤ 50 ms.
 *
 * <p>One server node and one client node in this JVM, joined over loopback. The value is a {@code
 * byte[]} of {@code valueBytes} bytes (1 KB or 10 MB).
 *
 * <ul>
 *   <li>{@code nearHit}: {@code get} through a near cache already holding the value (cache with
 *       Ignite's defaults). A hit returns the near cache's own {@code byte[]}, not a copy, even
 *       with the default {@code copyOnRead = true} (checked: two hits return the same array), so
 *       its cost does not grow with the value size, and callers must never modify the array.
 *   <li>{@code plainGet}: {@code get} on the client without a near cache: every call fetches the
 *       value from the server node, i.e. what a worker's first fetch costs.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgs = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class NearCacheHitBenchmark {
  private static final String NEAR = "bench-shared-near";
  private static final String PLAIN = "bench-shared-plain";

  @Param({"1024", "10485760"})
  int valueBytes;

  private String serverName;
  private String clientName;
  private Ignite server;
  private Ignite client;
  private IgniteCache<String, byte[]> near;
  private IgniteCache<String, byte[]> plain;
  private String key;

  @Setup(Level.Trial)
  public void startGrid() {
    key = "session-1/level-1";
    LocalGridPorts ports = LocalGridPorts.allocate();
    Path work = BenchWork.directory();
    long id = System.nanoTime();
    serverName = "bench-server-" + id;
    clientName = "bench-client-" + id;
    server = GridNodes.start(ports.options(serverName).workDirectory(work).build());
    try {
      client =
          GridNodes.start(ports.options(clientName).clientMode(true).workDirectory(work).build());
      byte[] value = new byte[valueBytes];
      new Random(11).nextBytes(value);
      for (String name : new String[] {NEAR, PLAIN}) {
        CacheConfiguration<String, byte[]> cfg = new CacheConfiguration<>(name);
        cfg.setCacheMode(CacheMode.PARTITIONED);
        cfg.setBackups(0);
        server.getOrCreateCache(cfg).put(key, value);
      }
      near = client.getOrCreateNearCache(NEAR, new NearCacheConfiguration<>());
      plain = client.cache(PLAIN);
      byte[] first = near.get(key);
      if (first == null || first.length != valueBytes) {
        throw new IllegalStateException(
            "value of " + valueBytes + " bytes not readable via the near cache");
      }
      if (near.localPeek(key, CachePeekMode.NEAR) == null) {
        throw new IllegalStateException(
            "value not held by the client's near cache after the first get");
      }
      if (plain.localPeek(key, CachePeekMode.NEAR) != null) {
        throw new IllegalStateException("plain cache unexpectedly has a near cache");
      }
    } catch (RuntimeException | Error e) {
      stopGrid();
      throw e;
    }
  }

  @Benchmark
  public byte[] nearHit() {
    return near.get(key);
  }

  @Benchmark
  public byte[] plainGet() {
    return plain.get(key);
  }

  @TearDown(Level.Trial)
  public void stopGrid() {
    if (client != null) {
      client.close();
      client = null;
      BenchWork.deleteNodeFiles(clientName);
    }
    if (server != null) {
      server.close();
      server = null;
      BenchWork.deleteNodeFiles(serverName);
    }
  }
}
