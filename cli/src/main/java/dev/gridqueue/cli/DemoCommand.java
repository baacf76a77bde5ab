package dev.gridqueue.cli;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.grid.LocalGridPorts;
import dev.gridqueue.scheduler.GridServer;
import dev.gridqueue.scheduler.GridServerOptions;
import dev.gridqueue.worker.WorkerOptions;
import dev.gridqueue.worker.apps.PiHandler;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gridqueue demo}: the embedded default end to end. One JVM runs a grid node with a local
 * worker on private loopback ports; a thin gRPC client submits a Monte Carlo estimate of pi as
 * independent tasks and prints the estimate and the throughput.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Estimate pi with Monte Carlo tasks on an embedded grid.")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--tasks", description = "Number of tasks (default: ${DEFAULT-VALUE}).")
  int tasks = 1000;

  @Option(names = "--samples", description = "Random points per task (default: ${DEFAULT-VALUE}).")
  long samplesPerTask = 200_000;

  @Option(names = "--batch-size", description = "Tasks per batch (default: ${DEFAULT-VALUE}).")
  int batchSize = 10;

  @Option(names = "--slots", description = "Slots of the local worker (default: number of cores).")
  int slots = Runtime.getRuntime().availableProcessors();

  @Override
  public Integer call() throws Exception {
    Path workDir = Files.createTempDirectory("gridqueue-demo");
    long started = System.nanoTime();
    try (GridServer server = startEmbeddedGrid(workDir)) {
      double gridSeconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("Embedded grid up in %.1f s (1 grid node, local worker with %d slots).%n", gridSeconds, slots);
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().directExecutor().build();
      try {
        return run(new GridQueueClient(channel));
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      deleteRecursively(workDir);
    }
  }

  private GridServer startEmbeddedGrid(Path workDir) {
    LocalGridPorts ports = LocalGridPorts.allocate(); // private ports: never joins another grid
    return GridServer.start(
        GridServerOptions.newBuilder()
            .grid(ports.options("gridqueue-demo").workDirectory(workDir).dataRegionMaxBytes(256L << 20).build())
            .grpcHost("127.0.0.1")
            .grpcPort(0)
            .localWorker(WorkerOptions.newBuilder().workerId("demo-local").slots(slots).build())
            .build());
  }

  private int run(GridQueueClient client) throws InterruptedException {
    System.out.printf("Estimating pi with %,d tasks of %,d samples each...%n", tasks, samplesPerTask);
    ProgressBar progress = new ProgressBar(System.out, tasks, System.console() != null);
    long start = System.nanoTime();
    long hits = 0;
    int failed = 0;
    try (TaskSession session = client.openSession(SessionOptions.forApp(PiHandler.APP_ID).batchSize(batchSize).build())) {
      for (int i = 0; i < tasks; i++) {
        session.submit("pi-" + i, PiHandler.task(0x5EED_0000L + i, samplesPerTask));
      }
      session.finishSending();
      for (int done = 1; done <= tasks; done++) {
        TaskResult result = session.take();
        if (result == null) {
          System.err.printf("%nThe result stream ended after %d of %d results.%n", done - 1, tasks);
          return 1;
        }
        if (result.succeeded()) {
          hits += Long.parseLong(new String(result.payload(), StandardCharsets.US_ASCII));
        } else {
          failed++;
        }
        progress.update(done, "");
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long samples = (tasks - failed) * samplesPerTask;
    double pi = 4.0 * hits / samples;
    System.out.printf(
        "pi ~ %.6f (error %+.6f) from %,d samples%n%,d tasks in %.2f s: %,.0f tasks/s%s%n",
        pi, pi - Math.PI, samples, tasks, seconds, tasks / seconds, failed > 0 ? ", " + failed + " FAILED" : "");
    return failed == 0 ? 0 : 1;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
