package dev.gridqueue.server;

import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.grid.GridNodes;
import dev.gridqueue.grid.GridOptions;
import dev.gridqueue.scheduler.Scheduler;
import dev.gridqueue.server.internal.gateway.Authentication;
import dev.gridqueue.server.internal.gateway.DataRegionGuard;
import dev.gridqueue.server.internal.gateway.FilesService;
import dev.gridqueue.server.internal.gateway.GatewayQuotas;
import dev.gridqueue.server.internal.gateway.GrpcBlockingCalls;
import dev.gridqueue.server.internal.gateway.JoiningHandlers;
import dev.gridqueue.server.internal.gateway.PeerAddress;
import dev.gridqueue.server.internal.gateway.QueueService;
import dev.gridqueue.server.internal.gateway.SessionIdMetadata;
import dev.gridqueue.server.internal.gateway.SharedDataService;
import dev.gridqueue.server.internal.gateway.UploadLimit;
import dev.gridqueue.server.internal.ops.DashboardEndpoint;
import dev.gridqueue.server.internal.ops.GridFiguresPoller;
import dev.gridqueue.server.internal.ops.GridHealth;
import dev.gridqueue.server.internal.ops.MembershipLog;
import dev.gridqueue.server.internal.ops.MetricsEndpoint;
import dev.gridqueue.server.internal.polyglot.WorkerIdMetadata;
import dev.gridqueue.server.security.ApiKeys;
import dev.gridqueue.shareddata.FileStore;
import dev.gridqueue.shareddata.SharedDataStore;
import dev.gridqueue.worker.WorkerRuntime;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.ignite.Ignite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A grid node: an Ignite server node holding the grid's caches, the gRPC frontend clients talk to,
 * a share in hosting the scheduler singleton, and optionally a local worker. Start one for the
 * embedded default; start several with the same discovery addresses for a cluster.
 *
 * <p>It binds its ports first (a taken port stops it before it joins the grid), serves {@code
 * grpc.health.v1} and server reflection from then on, and reports SERVING once it has joined and
 * the scheduler answers it.
 */
public final class GridServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GridServer.class);

  /** How often the node asks the scheduler for its figures (health, metrics, dashboard). */
  private static final Duration FIGURES_PERIOD = Duration.ofSeconds(1);

  private final Server grpc;
  private final GridHealth health;
  private final List<AutoCloseable> endpoints;
  private Ignite ignite;
  private QueueService queue;
  private ExecutorService blockingCalls;
  private WorkerRuntime localWorker;
  private int metricsPort = -1;
  private int dashboardPort = -1;
  private volatile boolean closed;

  private GridServer(Server grpc, GridHealth health, List<AutoCloseable> endpoints) {
    this.grpc = grpc;
    this.health = health;
    this.endpoints = endpoints;
  }

  public static GridServer start(GridServerOptions options) {
    GridHealth health = new GridHealth();
    JoiningHandlers handlers = new JoiningHandlers();
    // Keys from a file are read again when it changes (keys added or revoked without a restart).
    Authentication authentication =
        new Authentication(
            options
                .apiKeysFile()
                .<java.util.function.Supplier<ApiKeys>>map(f -> f)
                .orElse(options::apiKeys));
    List<AutoCloseable> endpoints = new ArrayList<>();
    options
        .apiKeysFile()
        .ifPresent(
            f -> {
              f.watch();
              endpoints.add(f);
            });
    MetricsEndpoint metrics = options.metricsPort().isPresent() ? new MetricsEndpoint() : null;
    DashboardEndpoint dashboard =
        options.dashboardPort().isPresent() ? new DashboardEndpoint() : null;
    Server grpc = bindGrpc(options, health, handlers, metrics);
    GridServer server = new GridServer(grpc, health, endpoints);
    try {
      if (metrics != null) {
        endpoints.add(metrics);
        server.metricsPort = metrics.serve(options.grpcHost(), options.metricsPort().getAsInt());
      }
      if (dashboard != null) {
        endpoints.add(dashboard);
        server.dashboardPort =
            dashboard.serve(options.grpcHost(), options.dashboardPort().getAsInt());
      }
      server.join(options, handlers, authentication);
    } catch (RuntimeException e) {
      server.close(); // else Ignite's non-daemon threads keep the JVM alive
      throw e;
    }
    endpoints.add(new MembershipLog(server.ignite));
    GridFiguresPoller poller = new GridFiguresPoller(server.ignite).onFigures(health::onFigures);
    if (metrics != null) {
      poller.onFigures(metrics::onFigures);
    }
    if (dashboard != null) {
      poller.onFigures(dashboard::onFigures);
    }
    endpoints.add(0, poller); // stopped first
    poller.start(FIGURES_PERIOD);
    return server;
  }

  private void join(
      GridServerOptions options, JoiningHandlers handlers, Authentication authentication) {
    GridOptions.Builder grid = options.grid().toBuilder().clientMode(false);
    WorkerRuntime worker = options.localWorker().map(WorkerRuntime::create).orElse(null);
    localWorker = worker;
    java.util.Map<String, Object> attributes =
        new java.util.HashMap<>(options.grid().userAttributes());
    attributes.putAll(options.schedulerLogs().nodeAttributes());
    if (worker != null) {
      attributes.putAll(worker.nodeAttributes());
      grid.publicThreadPoolSize(worker.jobThreads());
    }
    grid.userAttributes(attributes);
    ignite = GridNodes.start(grid.build());
    if (worker != null) {
      worker.installOn(ignite);
    }
    Scheduler.deploy(ignite);
    // gRPC handlers run on network threads; calls that wait on the grid run here instead.
    blockingCalls = Executors.newFixedThreadPool(4, daemonThreads("gridqueue-grpc-blocking"));
    SharedDataStore sharedData = new SharedDataStore(ignite, options.sharedDataLimits());
    queue =
        new QueueService(
            ignite,
            sharedData,
            blockingCalls,
            options.deliveryAckTimeout(),
            new GatewayQuotas(
                options.queuedBytesPerSession(),
                options.queuedBytesPerServer(),
                ContractLimits.STREAMS_PER_SESSION_MAX,
                options.dataRegionWritesStopAt()),
            options.sessionIdleTimeout(),
            options.workerBatchDeadline());
    handlers.add(
        ServerInterceptors.intercept(
            queue,
            new SessionIdMetadata(),
            new WorkerIdMetadata(),
            new PeerAddress(),
            // last: runs first, so nothing (not even a worker id) is given before it
            authentication));
    handlers.add(
        ServerInterceptors.intercept(
            new SharedDataService(
                sharedData,
                new GrpcBlockingCalls(blockingCalls),
                queue.guard(),
                new DataRegionGuard(ignite, options.dataRegionWritesStopAt())),
            new UploadLimit(ContractLimits.SHARED_DATA_UPLOADS_PER_SERVER_MAX),
            // last: runs first, before a shared-data upload takes a slot
            authentication));
    handlers.add(
        ServerInterceptors.intercept(
            new FilesService(new FileStore(ignite), blockingCalls, queue.guard()), authentication));
    handlers.joined();
    LOG.info(
        "grid node {} serving gRPC on {}:{} ({}{}, {}){}{}{}",
        ignite.name(),
        options.grpcHost(),
        grpc.getPort(),
        options.tls().isPresent() ? "TLS" : "plaintext",
        options.tls().flatMap(t -> t.clientCa()).isPresent() ? " with client certificates" : "",
        options.apiKeys().enabled() ? "API keys required" : "no API keys",
        worker != null ? " with a local worker" : "",
        metricsPort >= 0 ? ", metrics on http port " + metricsPort : "",
        dashboardPort >= 0 ? ", dashboard on http port " + dashboardPort : "");
  }

  /**
   * Binds the gRPC port before the node joins the grid: a taken port is reported at once, and
   * health and reflection answer while the node joins.
   */
  private static Server bindGrpc(
      GridServerOptions options,
      GridHealth health,
      JoiningHandlers handlers,
      MetricsEndpoint metrics) {
    InetSocketAddress address = new InetSocketAddress(options.grpcHost(), options.grpcPort());
    NettyServerBuilder builder =
        (options.tls().isPresent()
                ? NettyServerBuilder.forAddress(address, options.tls().get().credentials())
                : NettyServerBuilder.forAddress(address))
            // Checked against each message's length prefix: a bigger one is refused before it is
            // buffered. Per-method limits are checked after parsing (BatchIntake, SharedDataStore).
            .maxInboundMessageSize(options.maxMessageBytes())
            .maxConcurrentCallsPerConnection(ContractLimits.CALLS_PER_CONNECTION_MAX)
            // Handlers never block (QueueService offloads what waits): no thread hop per message.
            .directExecutor()
            .addService(health.service())
            .addService(ProtoReflectionServiceV1.newInstance())
            // v1alpha too: grpcurl and other tools before 2024 ask only for it.
            .addService(v1alphaReflection())
            .fallbackHandlerRegistry(handlers);
    if (metrics != null) {
      builder.intercept(metrics.grpcInterceptor());
    }
    try {
      return builder.build().start();
    } catch (IOException e) {
      String cause = String.valueOf(Optional.ofNullable(e.getCause()).orElse(e).getMessage());
      String why =
          e instanceof BindException
                  || e.getCause() instanceof BindException
                  || cause.contains("Address already in use")
              ? "is taken"
              : "cannot be bound";
      throw new GridServerStartException(
          "gRPC port "
              + options.grpcPort()
              + " on "
              + options.grpcHost()
              + " "
              + why
              + " ("
              + cause
              + "); choose another with --port",
          e);
    }
  }

  @SuppressWarnings("deprecation") // kept for clients that know only v1alpha
  private static io.grpc.BindableService v1alphaReflection() {
    return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
  }

  /** The port gRPC listens on (the chosen one when the options said 0). */
  public int grpcPort() {
    return grpc.getPort();
  }

  /** The port of the Prometheus endpoint, if the options asked for one. */
  public java.util.OptionalInt metricsPort() {
    return metricsPort < 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(metricsPort);
  }

  /** The port of the dashboard, if the options asked for one. */
  public java.util.OptionalInt dashboardPort() {
    return dashboardPort < 0
        ? java.util.OptionalInt.empty()
        : java.util.OptionalInt.of(dashboardPort);
  }

  /** The worker running inside this node, or null if it has none. */
  public WorkerRuntime localWorker() {
    return localWorker;
  }

  public Ignite ignite() {
    return ignite;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    health.leaving();
    grpc.shutdown();
    try {
      if (!grpc.awaitTermination(2, TimeUnit.SECONDS)) {
        grpc.shutdownNow();
      }
    } catch (InterruptedException e) {
      grpc.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      for (AutoCloseable endpoint : endpoints) {
        try {
          endpoint.close();
        } catch (Exception e) {
          LOG.debug("closing {}", endpoint, e);
        }
      }
      if (queue != null) {
        queue.close();
      }
      if (blockingCalls != null) {
        blockingCalls.shutdownNow();
      }
      if (ignite != null) {
        ignite.close();
      }
    }
  }

  private static ThreadFactory daemonThreads(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
