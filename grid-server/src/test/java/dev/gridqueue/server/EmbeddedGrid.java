package dev.gridqueue.server;

import dev.gridqueue.grid.LocalGridPorts;
import dev.gridqueue.worker.WorkerOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real embedded grid for a test class: one grid server with a local worker on private loopback
 * ports, its work directory under target/, and gRPC channels to it. Register with
 * {@code @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid();}; everything it started
 * is stopped after the class.
 */
public final class EmbeddedGrid implements BeforeAllCallback, AfterAllCallback {
  private final int localWorkerSlots;
  private java.time.Duration failureDetection = java.time.Duration.ofSeconds(10);
  private java.time.Duration deliveryAckTimeout = GridServerOptions.DEFAULT_DELIVERY_ACK_TIMEOUT;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<AutoCloseable> started = new ArrayList<>();
  private java.util.function.Consumer<GridServerOptions.Builder> configure = b -> {};
  private long dataRegionBytes;
  private boolean opsEndpoints;
  private java.time.Duration sessionIdleTimeout;
  private LocalGridPorts ports;
  private GridServer server;
  private String name;

  public EmbeddedGrid() {
    this(2);
  }

  /** A grid whose local worker has {@code slots} slots; 0 for no local worker. */
  public EmbeddedGrid(int localWorkerSlots) {
    this.localWorkerSlots = localWorkerSlots;
  }

  /** How fast the grid declares a silent node (a killed worker) failed. */
  public EmbeddedGrid failureDetection(java.time.Duration timeout) {
    this.failureDetection = timeout;
    return this;
  }

  /** API keys every call must carry (none by default). */
  public EmbeddedGrid apiKeys(dev.gridqueue.server.security.ApiKeys keys) {
    this.apiKeys = keys;
    return this;
  }

  private dev.gridqueue.server.security.ApiKeys apiKeys =
      dev.gridqueue.server.security.ApiKeys.none();

  /** The server's off-heap data region (default: GridOptions'). */
  public EmbeddedGrid dataRegionBytes(long bytes) {
    this.dataRegionBytes = bytes;
    return this;
  }

  /** Further server options (limits, quotas) applied before the server starts. */
  public EmbeddedGrid configure(java.util.function.Consumer<GridServerOptions.Builder> options) {
    this.configure = options;
    return this;
  }

  /** How long an unacknowledged result stays in the grid after it was sent. */
  public EmbeddedGrid deliveryAckTimeout(java.time.Duration timeout) {
    this.deliveryAckTimeout = timeout;
    return this;
  }

  /** The server's idle timeout for sessions that set none. */
  public EmbeddedGrid sessionIdleTimeout(java.time.Duration timeout) {
    this.sessionIdleTimeout = timeout;
    return this;
  }

  /** Serves the Prometheus endpoint and the dashboard too, on free ports. */
  public EmbeddedGrid withOpsEndpoints() {
    this.opsEndpoints = true;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    name = context.getRequiredTestClass().getSimpleName() + "-" + System.nanoTime();
    ports = LocalGridPorts.allocate();
    var gridOptions =
        ports
            .options(name + "-server")
            .workDirectory(workDir())
            .failureDetectionTimeout(failureDetection);
    if (dataRegionBytes > 0) {
      gridOptions.dataRegionMaxBytes(dataRegionBytes);
    }
    GridServerOptions.Builder options =
        GridServerOptions.newBuilder()
            .grid(gridOptions.build())
            .grpcHost("127.0.0.1")
            .grpcPort(0)
            .deliveryAckTimeout(deliveryAckTimeout)
            .apiKeys(apiKeys);
    if (sessionIdleTimeout != null) {
      options.sessionIdleTimeout(sessionIdleTimeout);
    }
    if (opsEndpoints) {
      options.metricsPort(0).dashboardPort(0);
    }
    if (localWorkerSlots > 0) {
      options.localWorker(
          WorkerOptions.newBuilder().workerId(name + "-local").slots(localWorkerSlots).build());
    }
    configure.accept(options);
    server = GridServer.start(options.build());
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    channels.forEach(ManagedChannel::shutdownNow);
    for (ManagedChannel c : channels) {
      c.awaitTermination(5, TimeUnit.SECONDS);
    }
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
    if (server != null) {
      server.close();
    }
  }

  /**
   * A new plaintext channel to a local port (a proxy in front of the server), closed after the
   * class.
   */
  public ManagedChannel newChannel(int port) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().directExecutor().build();
    channels.add(channel);
    return channel;
  }

  /** A new plaintext channel to the server's gRPC port, closed after the class. */
  public ManagedChannel newChannel() {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
    channels.add(channel);
    return channel;
  }

  /** Stops {@code resource} after the class, before the server. */
  public <T extends AutoCloseable> T closeAfter(T resource) {
    started.add(resource);
    return resource;
  }

  public GridServer server() {
    return server;
  }

  public LocalGridPorts ports() {
    return ports;
  }

  public String name() {
    return name;
  }

  public Path workDir() {
    return Path.of("target", "grid-work").toAbsolutePath();
  }
}
