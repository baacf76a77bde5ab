package dev.gridqueue.cli;

import dev.gridqueue.server.GridServer;
import dev.gridqueue.server.GridServerOptions;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gridqueue server}: a grid node serving gRPC, until interrupted. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = "Run a grid node that serves gRPC clients.")
final class ServerCommand implements Callable<Integer> {
  @Option(names = "--port", description = "gRPC port for clients (default: ${DEFAULT-VALUE}).")
  int port = GridServerOptions.DEFAULT_GRPC_PORT;

  @Option(
      names = "--grpc-host",
      description = "Address gRPC binds (default: ${DEFAULT-VALUE}, every interface).")
  String grpcHost = "0.0.0.0";

  @Option(
      names = "--backups",
      description = "Backup copies of every batch in the grid (default: ${DEFAULT-VALUE}).")
  int backups = 1;

  @Option(
      names = "--data-region-mb",
      description = "Off-heap memory for the grid's caches, in MiB (default: ${DEFAULT-VALUE}).")
  long dataRegionMb = 1024;

  @Option(names = "--no-local-worker", description = "Do not run a worker inside this node.")
  boolean noLocalWorker;

  @Option(
      names = "--session-idle-timeout-s",
      paramLabel = "SECONDS",
      description =
          "Close a session that sets no idle_timeout after this long without a client"
              + " (default: 3600; 0: never).")
  long sessionIdleTimeoutSeconds =
      dev.gridqueue.client.ContractLimits.SESSION_IDLE_TIMEOUT_DEFAULT.toSeconds();

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description = "Serve Prometheus metrics at http://HOST:PORT/metrics (default: none).")
  Integer metricsPort;

  @Option(
      names = "--dashboard-port",
      paramLabel = "PORT",
      description = "Serve the live web dashboard at http://HOST:PORT/ (default: none).")
  Integer dashboardPort;

  @Mixin GridAddressOptions grid = new GridAddressOptions();

  @Mixin WorkerSettings worker = new WorkerSettings();

  @Override
  public Integer call() throws Exception {
    if (noLocalWorker && worker.handlersDirectory != null) {
      System.err.println(
          "gridqueue server: --handlers loads handlers into the local worker; drop it or --no-local-worker");
      return 2;
    }
    GridServerOptions.Builder options =
        GridServerOptions.newBuilder()
            .grid(
                grid.toGridOptions("gridqueue-server-" + ProcessHandle.current().pid())
                    .backups(backups)
                    .dataRegionMaxBytes(dataRegionMb << 20)
                    .build())
            .grpcHost(grpcHost)
            .grpcPort(port)
            .sessionIdleTimeout(java.time.Duration.ofSeconds(sessionIdleTimeoutSeconds));
    if (!noLocalWorker) {
      options.localWorker(worker.toWorkerOptions());
    }
    if (metricsPort != null) {
      options.metricsPort(metricsPort);
    }
    if (dashboardPort != null) {
      options.dashboardPort(dashboardPort);
    }
    GridServer server = GridServer.start(options.build());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "gridqueue-shutdown"));
    System.out.printf(
        "gridqueue server up: gRPC on port %d, grid discovery on %s:%d%s%s%s%n",
        server.grpcPort(),
        grid.host,
        grid.discoveryPort,
        noLocalWorker ? "" : ", with a local worker",
        server.metricsPort().isPresent()
            ? ", metrics on http://"
                + grid.host
                + ":"
                + server.metricsPort().getAsInt()
                + "/metrics"
            : "",
        server.dashboardPort().isPresent()
            ? ", dashboard on http://" + grid.host + ":" + server.dashboardPort().getAsInt() + "/"
            : "");
    System.out.println("Press Ctrl+C to stop.");
    stopped.await();
    return 0;
  }
}
