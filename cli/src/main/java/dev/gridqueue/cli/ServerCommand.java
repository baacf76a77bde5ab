package dev.gridqueue.cli;

import dev.gridqueue.server.GridServer;
import dev.gridqueue.server.GridServerOptions;
import dev.gridqueue.server.security.GrpcTls;
import java.nio.file.Path;
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
      description =
          "Address gRPC binds (default: ${DEFAULT-VALUE}, this host only; 0.0.0.0 for every interface, which needs --tls-cert/--tls-key and --api-keys, or --insecure).")
  String grpcHost = GridServerOptions.DEFAULT_GRPC_HOST;

  @Option(
      names = "--api-keys",
      paramLabel = "FILE",
      description =
          "API keys every call must carry as api_key metadata: one 'role key name' a line, role client, worker or admin, key as is or sha256:HEX (see README, Security). Read again when it changes.")
  Path apiKeys;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description = "Serve gRPC over TLS with this certificate chain (PEM).")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "Key of --tls-cert (PEM, PKCS#8).")
  Path tlsKey;

  @Option(
      names = "--tls-client-ca",
      paramLabel = "FILE",
      description = "Require client certificates signed by this CA (PEM).")
  Path tlsClientCa;

  @Option(
      names = "--insecure",
      description =
          "Allow gRPC on a non-loopback address without TLS or API keys (anyone reaching the port could use every session).")
  boolean insecure;

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
      names = "--worker-batch-deadline-s",
      paramLabel = "SECONDS",
      description =
          "Take a batch back from a polyglot worker that holds it this long without answering and"
              + " run it elsewhere, as an attempt (default: 3600). For a session that sets"
              + " max_task_running_time the deadline is that time x the batch's tasks + 30 s.")
  long workerBatchDeadlineSeconds =
      dev.gridqueue.client.ContractLimits.POLYGLOT_BATCH_DEADLINE_DEFAULT.toSeconds();

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

  @Option(
      names = "--transactions-log",
      paramLabel = "FILE",
      description =
          "While this node hosts the scheduler, append a line per batch and worker event to FILE"
              + " (Work Queue's transactions log, adapted; default: none).")
  java.nio.file.Path transactionsLog;

  @Option(
      names = "--stats-log",
      paramLabel = "FILE",
      description =
          "While this node hosts the scheduler, append the grid's stats to FILE every second"
              + " (Work Queue's stats log; `gridqueue plot FILE` draws it; default: none).")
  java.nio.file.Path statsLog;

  @Mixin GridAddressOptions grid = new GridAddressOptions();

  @Mixin WorkerSettings worker = new WorkerSettings();

  @Mixin QuotaOptions quotas = new QuotaOptions();

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
            .insecure(insecure)
            .sessionIdleTimeout(java.time.Duration.ofSeconds(sessionIdleTimeoutSeconds))
            .schedulerLogs(new dev.gridqueue.scheduler.SchedulerLogs(transactionsLog, statsLog))
            .workerBatchDeadline(java.time.Duration.ofSeconds(workerBatchDeadlineSeconds));
    quotas.applyTo(options);
    if (apiKeys != null) {
      options.apiKeysFile(apiKeys);
    }
    if (tlsCert != null || tlsKey != null || tlsClientCa != null) {
      if (tlsCert == null || tlsKey == null) {
        System.err.println("gridqueue server: --tls-cert and --tls-key go together");
        return 2;
      }
      options.tls(new GrpcTls(tlsCert, tlsKey, java.util.Optional.ofNullable(tlsClientCa)));
    }
    if (!noLocalWorker) {
      options.localWorker(worker.toWorkerOptions());
    }
    if (metricsPort != null) {
      options.metricsPort(metricsPort);
    }
    if (dashboardPort != null) {
      options.dashboardPort(dashboardPort);
    }
    // An option combination the server refuses (e.g. an open port without TLS and keys) is one
    // line and exit 2 (CliFailures).
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
        "gridqueue server up: gRPC on %s:%d (%s%s), grid discovery on %s:%d%s%s%s%s%n",
        grpcHost,
        server.grpcPort(),
        tlsCert != null ? "TLS" : "plaintext",
        apiKeys != null ? ", API keys" : "",
        grid.host,
        grid.discoveryPort,
        grid.nodeSsl != null ? " over SSL" : "",
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
