package dev.gridqueue.server;

import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.grid.GridOptions;
import dev.gridqueue.shareddata.SharedDataLimits;
import dev.gridqueue.worker.WorkerOptions;
import java.util.Objects;
import java.util.Optional;

/** What a grid server runs: its Ignite node, its gRPC endpoint, and optionally a local worker. */
public final class GridServerOptions {
  /** The gRPC port clients use unless told otherwise (ALPCRUN.CH's). */
  public static final int DEFAULT_GRPC_PORT = 1337;

  public static final java.time.Duration DEFAULT_DELIVERY_ACK_TIMEOUT =
      java.time.Duration.ofSeconds(30);

  /** gRPC's largest message (see {@link ContractLimits#MAX_MESSAGE_BYTES}). */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = ContractLimits.MAX_MESSAGE_BYTES;

  private final GridOptions grid;
  private final String grpcHost;
  private final int grpcPort;
  private final int maxMessageBytes;
  private final WorkerOptions localWorker;
  private final SharedDataLimits sharedDataLimits;
  private final java.time.Duration deliveryAckTimeout;
  private final int metricsPort;
  private final int dashboardPort;
  private final java.time.Duration sessionIdleTimeout;

  private GridServerOptions(Builder b) {
    this.sessionIdleTimeout = b.sessionIdleTimeout;
    this.metricsPort = b.metricsPort;
    this.dashboardPort = b.dashboardPort;
    this.deliveryAckTimeout = b.deliveryAckTimeout;
    this.sharedDataLimits = b.sharedDataLimits;
    this.grid = Objects.requireNonNull(b.grid, "grid options are required");
    this.grpcHost = b.grpcHost;
    this.grpcPort = b.grpcPort;
    this.maxMessageBytes = b.maxMessageBytes;
    this.localWorker = b.localWorker;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * How long a result or dead-letter delivery waits for the client's acknowledgement before the
   * server forgets it (removes it from the grid) anyway.
   */
  public java.time.Duration deliveryAckTimeout() {
    return deliveryAckTimeout;
  }

  public GridOptions grid() {
    return grid;
  }

  /** Address the gRPC server binds; "0.0.0.0" means every interface. */
  public String grpcHost() {
    return grpcHost;
  }

  /** gRPC port; 0 picks a free one (see {@link GridServer#grpcPort()}). */
  public int grpcPort() {
    return grpcPort;
  }

  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /** The worker to run inside the server's JVM, if any. */
  public Optional<WorkerOptions> localWorker() {
    return Optional.ofNullable(localWorker);
  }

  public SharedDataLimits sharedDataLimits() {
    return sharedDataLimits;
  }

  /**
   * How long a session that sets no {@code idle_timeout} may go without a client before it is
   * closed; zero: never.
   */
  public java.time.Duration sessionIdleTimeout() {
    return sessionIdleTimeout;
  }

  /** Port of the Prometheus endpoint ({@code /metrics}), 0 for a free one; empty for none. */
  public java.util.OptionalInt metricsPort() {
    return metricsPort < 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(metricsPort);
  }

  /** Port of the live dashboard, 0 for a free one; empty for none. */
  public java.util.OptionalInt dashboardPort() {
    return dashboardPort < 0
        ? java.util.OptionalInt.empty()
        : java.util.OptionalInt.of(dashboardPort);
  }

  /** Builder of {@link GridServerOptions}. */
  public static final class Builder {
    private GridOptions grid;
    private String grpcHost = "0.0.0.0";
    private int grpcPort = DEFAULT_GRPC_PORT;
    private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private WorkerOptions localWorker;
    private SharedDataLimits sharedDataLimits = SharedDataLimits.defaults();
    private java.time.Duration deliveryAckTimeout = DEFAULT_DELIVERY_ACK_TIMEOUT;
    private int metricsPort = -1;
    private int dashboardPort = -1;
    private java.time.Duration sessionIdleTimeout = ContractLimits.SESSION_IDLE_TIMEOUT_DEFAULT;

    private Builder() {}

    /** The idle timeout of sessions that set none (default 1 hour); zero: never close them. */
    public Builder sessionIdleTimeout(java.time.Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException(
            "sessionIdleTimeout must not be negative, got " + timeout);
      }
      this.sessionIdleTimeout = timeout;
      return this;
    }

    /** Serves Prometheus metrics on this port (0: a free one), on the gRPC host's interfaces. */
    public Builder metricsPort(int port) {
      this.metricsPort = checkPort("metricsPort", port);
      return this;
    }

    /** Serves the live dashboard on this port (0: a free one), on the gRPC host's interfaces. */
    public Builder dashboardPort(int port) {
      this.dashboardPort = checkPort("dashboardPort", port);
      return this;
    }

    private static int checkPort(String name, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(name + " must be between 0 and 65535, got " + port);
      }
      return port;
    }

    public Builder sharedDataLimits(SharedDataLimits limits) {
      this.sharedDataLimits = Objects.requireNonNull(limits, "sharedDataLimits");
      return this;
    }

    public Builder grid(GridOptions grid) {
      this.grid = Objects.requireNonNull(grid, "grid");
      return this;
    }

    public Builder grpcHost(String host) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("grpcHost must not be empty");
      }
      this.grpcHost = host;
      return this;
    }

    public Builder grpcPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("grpcPort must be between 0 and 65535, got " + port);
      }
      this.grpcPort = port;
      return this;
    }

    public Builder maxMessageBytes(int bytes) {
      if (bytes < (1 << 20)) {
        throw new IllegalArgumentException("maxMessageBytes must be at least 1 MiB, got " + bytes);
      }
      this.maxMessageBytes = bytes;
      return this;
    }

    /** How long an unacknowledged delivery stays in the grid after it was sent (default 30 s). */
    public Builder deliveryAckTimeout(java.time.Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("deliveryAckTimeout must be positive, got " + timeout);
      }
      this.deliveryAckTimeout = timeout;
      return this;
    }

    /** Runs a worker inside the server; null for none. */
    public Builder localWorker(WorkerOptions worker) {
      this.localWorker = worker;
      return this;
    }

    public GridServerOptions build() {
      if (maxMessageBytes < sharedDataLimits.maxPayloadBytes()) {
        throw new IllegalArgumentException(
            "maxMessageBytes ("
                + maxMessageBytes
                + ") must hold the largest shared-data payload ("
                + sharedDataLimits.maxPayloadBytes()
                + ")");
      }
      return new GridServerOptions(this);
    }
  }
}
