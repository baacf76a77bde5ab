package dev.gridqueue.cli;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.grid.LocalGridPorts;
import dev.gridqueue.server.GridServer;
import dev.gridqueue.server.GridServerOptions;
import dev.gridqueue.worker.WorkerOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * The embedded default the demos run on: one grid node with a local worker in this JVM, on private
 * loopback ports (it never joins another grid), reached by a real gRPC client.
 */
final class EmbeddedGridOptions {
  @Option(names = "--slots", description = "Slots of the local worker (default: number of cores).")
  int slots = Runtime.getRuntime().availableProcessors();

  /** What a demo does with its client; returns the exit code. */
  @FunctionalInterface
  interface Workload {
    int run(GridQueueClient client) throws Exception;
  }

  int run(Workload workload) throws Exception {
    Path workDir = Files.createTempDirectory("gridqueue-demo");
    long started = System.nanoTime();
    try (GridServer server = start(workDir)) {
      System.out.printf(
          "Embedded grid up in %.1f s (1 grid node, local worker with %d slots).%n",
          (System.nanoTime() - started) / 1e9, slots);
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
              .usePlaintext()
              .directExecutor()
              .maxInboundMessageSize(dev.gridqueue.client.ContractLimits.MAX_MESSAGE_BYTES)
              .build();
      try {
        return workload.run(new GridQueueClient(channel));
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      deleteRecursively(workDir);
    }
  }

  private GridServer start(Path workDir) {
    LocalGridPorts ports = LocalGridPorts.allocate();
    return GridServer.start(
        GridServerOptions.newBuilder()
            .grid(
                ports
                    .options(
                        "gridqueue-demo-" + ProcessHandle.current().pid() + "-" + System.nanoTime())
                    .workDirectory(workDir)
                    .dataRegionMaxBytes(256L << 20)
                    .build())
            .grpcHost("127.0.0.1")
            .grpcPort(0)
            .localWorker(WorkerOptions.newBuilder().workerId("demo-local").slots(slots).build())
            .build());
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
