package dev.gridqueue.benchmarks.load;

import dev.gridqueue.cli.local.LocalGrid;
import dev.gridqueue.client.GridQueueClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Throughput and latency of grids of 1, 2, 3... server processes (backups 1, no local worker), the
 * same worker processes each time, and clients spread over the servers: what a grid of several
 * servers costs, measured in one run. Each client runs a closed-loop session; the grid's rate is
 * their sum.
 */
final class ServersScenario {
  private final List<Integer> serverCounts;
  private final int clients;
  private final int workers;
  private final List<Integer> batchSizes;
  private final int runs;
  private final Duration warmup;
  private final Duration measure;
  private final Duration jitWarmup;
  private final Report report;

  ServersScenario(
      List<Integer> serverCounts,
      int clients,
      int workers,
      List<Integer> batchSizes,
      int runs,
      Duration warmup,
      Duration measure,
      Duration jitWarmup,
      Report report) {
    this.serverCounts = serverCounts;
    this.clients = clients;
    this.workers = workers;
    this.batchSizes = batchSizes;
    this.runs = runs;
    this.warmup = warmup;
    this.measure = measure;
    this.jitWarmup = jitWarmup;
    this.report = report;
  }

  void run() throws Exception {
    Map<Integer, Double> oneServer = new HashMap<>();
    for (int servers : serverCounts) {
      Path dir = Files.createTempDirectory("gridqueue-bench-servers-" + servers + "-");
      progress(
          "servers: %d server process(es), %d worker process(es), %d clients; logs in %s",
          servers, workers, clients, dir);
      LocalGrid.Options options =
          LocalGrid.Options.servers(servers)
              .withoutLocalWorkers()
              .withWorkers(workers, 2)
              .withApps("echo")
              .withJavaOpts("-Xms512m -Xmx1g -XX:+UseParallelGC");
      try (LocalGrid grid = LocalGrid.start(dir, options)) {
        List<GridQueueClient> connected = new ArrayList<>();
        List<String> addresses = grid.grpcAddresses();
        for (int c = 0; c < clients; c++) {
          connected.add(GridQueueClient.connect(List.of(addresses.get(c % addresses.size()))));
        }
        try {
          progress("  JIT warm-up: %d s", jitWarmup.toSeconds());
          rate(connected, 100, jitWarmup, Duration.ofSeconds(1));
          long[] latency = new LatencyProbe(connected.get(0), "echo").measure(1000, 5000);
          for (int batch : batchSizes) {
            double[] rates = new double[runs];
            for (int r = 0; r < runs; r++) {
              rates[r] = rate(connected, batch, warmup, measure);
              progress(
                  "  %d servers batch %d run %d: %,.0f tasks/s", servers, batch, r + 1, rates[r]);
            }
            Arrays.sort(rates);
            double median = rates[runs / 2];
            oneServer.putIfAbsent(batch, median);
            report.servers(servers, batch, median, median / oneServer.get(batch), latency);
          }
        } finally {
          connected.forEach(GridQueueClient::close);
        }
      }
    }
  }

  /** Tasks/s of every client's closed loop at once, summed. */
  private double rate(List<GridQueueClient> connected, int batch, Duration warm, Duration measured)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(connected.size());
    try {
      List<Future<Double>> rates = new ArrayList<>();
      for (GridQueueClient client : connected) {
        rates.add(
            pool.submit(
                () ->
                    new ThroughputProbe(client, "echo", null).measure(batch, 100, warm, measured)));
      }
      double sum = 0;
      for (Future<Double> f : rates) {
        sum += f.get();
      }
      return sum;
    } finally {
      pool.shutdownNow();
    }
  }

  private static void progress(String format, Object... args) {
    System.err.printf(format + "%n", args);
  }
}
