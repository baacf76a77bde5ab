package dev.gridqueue.benchmarks.load;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.grid.LocalGridPorts;
import dev.gridqueue.server.GridServer;
import dev.gridqueue.server.GridServerOptions;
import dev.gridqueue.worker.WorkerOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gridqueue bench}: end-to-end figures for no-op ("echo") tasks through the real gRPC path,
 * beside a raw-gRPC echo baseline measured with the same client in the same run.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "End-to-end load driver: tasks/s, latency, scaling, memory.")
public final class LoadDriver implements Callable<Integer> {
  @Option(
      names = "--target",
      description = "HOST:PORT of a running grid; default: an embedded grid in this JVM.")
  String target;

  @Option(
      names = "--scenarios",
      split = ",",
      description =
          "Any of: throughput, latency, payload, memory, scaling, servers (default: all but servers).")
  Set<String> scenarios = Set.of("throughput", "latency", "payload", "memory", "scaling");

  @Option(
      names = "--servers",
      split = ",",
      description =
          "Grid server processes (backups 1) for the servers scenario, one grid per count (default: ${DEFAULT-VALUE}).")
  List<Integer> serverCounts = List.of(1, 2, 3);

  @Option(
      names = "--clients",
      description =
          "Clients of the servers scenario, spread over the servers (default: ${DEFAULT-VALUE}).")
  int clients = 3;

  @Option(
      names = "--server-workers",
      description =
          "Worker processes (2 slots each) of the servers scenario (default: ${DEFAULT-VALUE}).")
  int serverWorkers = 2;

  @Option(
      names = "--batch-sizes",
      split = ",",
      description = "Batch sizes (default: ${DEFAULT-VALUE}).")
  List<Integer> batchSizes = List.of(1, 10, 100, 1000);

  @Option(
      names = "--runs",
      description = "Runs per figure; the median is reported (default: ${DEFAULT-VALUE}).")
  int runs = 3;

  @Option(
      names = "--warmup",
      description = "Warm-up seconds before each measured run (default: ${DEFAULT-VALUE}).")
  int warmupSeconds = 2;

  @Option(
      names = "--measure",
      description = "Measured seconds per run (default: ${DEFAULT-VALUE}).")
  int measureSeconds = 5;

  @Option(
      names = "--jit-warmup",
      description = "Seconds of load before anything is measured (default: ${DEFAULT-VALUE}).")
  int jitWarmupSeconds = 20;

  @Option(
      names = "--queued-tasks",
      description = "Tasks queued for the memory figure (default: ${DEFAULT-VALUE}).")
  long queuedTasks = 1_000_000;

  @Option(
      names = "--workers",
      split = ",",
      description = "Worker process counts for scaling (default: ${DEFAULT-VALUE}).")
  List<Integer> workerCounts = List.of(1, 2, 4, 8);

  @Option(
      names = "--local-slots",
      description = "Slots of the embedded grid's local worker (default: ${DEFAULT-VALUE}).")
  int localSlots = 2;

  @Option(
      names = "--max-inflight",
      description =
          "Session attribute max_inflight_batches_per_worker (default: the server's, 10).")
  Integer maxInflight;

  private final Report report = new Report();
  private final Map<GridServer, String> seedAddresses = new IdentityHashMap<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadDriver()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    report.header(target);
    try {
      runScenarios();
    } finally {
      report.print(System.out); // what was measured is printed even if a later scenario fails
    }
    return 0;
  }

  private void runScenarios() throws Exception {
    if (scenarios.contains("servers")) {
      new ServersScenario(
              serverCounts,
              clients,
              serverWorkers,
              batchSizes,
              runs,
              warmup(),
              measure(),
              Duration.ofSeconds(jitWarmupSeconds),
              report)
          .run();
      if (scenarios.size() == 1) {
        return;
      }
    }
    try (EchoBaselineServer baseline = EchoBaselineServer.start()) {
      ManagedChannel baselineChannel = channel("127.0.0.1", baseline.port());
      if (target != null) {
        String[] hostPort = target.split(":");
        measureGrid(null, channel(hostPort[0], Integer.parseInt(hostPort[1])), baselineChannel);
      } else {
        Path work = Files.createTempDirectory("gridqueue-bench");
        try (GridServer grid = startGrid(work, localSlots)) {
          measureGrid(grid, channel("127.0.0.1", grid.grpcPort()), baselineChannel);
        }
        if (scenarios.contains("memory") || scenarios.contains("scaling")) {
          try (GridServer grid = startGrid(work, 0)) {
            ManagedChannel channel = channel("127.0.0.1", grid.grpcPort());
            if (scenarios.contains("memory")) {
              memory(grid, new GridQueueClient(channel));
            }
            if (scenarios.contains("scaling")) {
              scaling(grid, new GridQueueClient(channel), work);
            }
          }
        }
      }
    }
  }

  private void measureGrid(
      GridServer grid, ManagedChannel gridChannel, ManagedChannel baselineChannel)
      throws Exception {
    GridQueueClient gridClient = new GridQueueClient(gridChannel);
    GridQueueClient baselineClient = new GridQueueClient(baselineChannel);
    ThroughputProbe gridProbe = new ThroughputProbe(gridClient, "echo", maxInflight);
    ThroughputProbe baselineProbe = new ThroughputProbe(baselineClient, "echo", maxInflight);
    progress("JIT warm-up: %d s of batches of 100 on the grid and the baseline", jitWarmupSeconds);
    gridProbe.measure(100, 100, Duration.ofSeconds(jitWarmupSeconds / 2), Duration.ofSeconds(1));
    baselineProbe.measure(
        100, 100, Duration.ofSeconds(jitWarmupSeconds / 2), Duration.ofSeconds(1));

    if (scenarios.contains("throughput")) {
      for (int batch : batchSizes) {
        double ours =
            median(() -> gridProbe.measure(batch, 100, warmup(), measure()), "grid batch " + batch);
        double raw =
            median(
                () -> baselineProbe.measure(batch, 100, warmup(), measure()),
                "baseline batch " + batch);
        report.throughput(batch, 100, ours, raw);
      }
    }
    if (scenarios.contains("latency")) {
      progress("latency: single tasks, one at a time");
      long[] ours = new LatencyProbe(gridClient, "echo").measure(1000, 5000);
      long[] raw = new LatencyProbe(baselineClient, "echo").measure(1000, 5000);
      report.latency("grid", ours);
      report.latency("raw gRPC baseline", raw);
    }
    if (scenarios.contains("payload")) {
      for (int payload : List.of(100, 10 * 1024, 1024 * 1024)) {
        int batch = Math.max(1, Math.min(100, (4 << 20) / payload));
        double ours =
            median(
                () -> gridProbe.measure(batch, payload, warmup(), measure()),
                "grid payload " + payload);
        double raw =
            median(
                () -> baselineProbe.measure(batch, payload, warmup(), measure()),
                "baseline payload " + payload);
        report.payload(payload, batch, ours, raw);
      }
    }
  }

  private void memory(GridServer grid, GridQueueClient client) throws Exception {
    progress("memory: %,d queued tasks of 100 B in batches of 100, no worker", queuedTasks);
    report.memory(new QueuedMemoryProbe(grid.ignite(), client).measure(queuedTasks, 100, 100));
  }

  private void scaling(GridServer grid, GridQueueClient client, Path work) throws Exception {
    ThroughputProbe probe = new ThroughputProbe(client, "echo", maxInflight);
    for (int count : workerCounts) {
      progress("scaling: %d worker process(es)", count);
      try (WorkerProcesses workers = WorkerProcesses.start(count, seedAddress(grid), work, 2)) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (grid.ignite().cluster().forClients().nodes().size() < count) {
          if (System.nanoTime() > deadline || !workers.allAlive()) {
            throw new IllegalStateException("worker processes did not join; logs in " + work);
          }
          Thread.sleep(100);
        }
        double rate =
            median(
                () ->
                    probe.measure(
                        100, 100, Duration.ofSeconds(Math.max(5, warmupSeconds)), measure()),
                "workers " + count);
        report.scaling(count, rate);
      }
      while (!grid.ignite().cluster().forClients().nodes().isEmpty()) {
        Thread.sleep(100); // the next count starts from an empty pool
      }
    }
  }

  private String seedAddress(GridServer grid) {
    return seedAddresses.get(grid);
  }

  private GridServer startGrid(Path work, int slots) {
    LocalGridPorts ports = LocalGridPorts.allocate();
    GridServerOptions.Builder options =
        GridServerOptions.newBuilder()
            .grid(
                ports
                    .options("bench-" + System.nanoTime())
                    .workDirectory(work)
                    .dataRegionMaxBytes(2L << 30)
                    .build())
            .grpcHost("127.0.0.1")
            .grpcPort(0);
    if (slots > 0) {
      options.localWorker(WorkerOptions.newBuilder().workerId("bench-local").slots(slots).build());
    }
    GridServer server = GridServer.start(options.build());
    seedAddresses.put(server, ports.seedAddress());
    return server;
  }

  private double median(Callable<Double> run, String what) throws Exception {
    double[] values = new double[runs];
    for (int i = 0; i < runs; i++) {
      values[i] = run.call();
      progress("  %s run %d: %,.0f tasks/s", what, i + 1, values[i]);
    }
    Arrays.sort(values);
    return values[runs / 2];
  }

  private Duration warmup() {
    return Duration.ofSeconds(warmupSeconds);
  }

  private Duration measure() {
    return Duration.ofSeconds(measureSeconds);
  }

  private static ManagedChannel channel(String host, int port) {
    return NettyChannelBuilder.forAddress(host, port)
        .usePlaintext()
        .directExecutor()
        .maxInboundMessageSize(dev.gridqueue.client.ContractLimits.MAX_MESSAGE_BYTES)
        .build();
  }

  private static void progress(String format, Object... args) {
    System.err.printf(format + "%n", args);
  }
}
