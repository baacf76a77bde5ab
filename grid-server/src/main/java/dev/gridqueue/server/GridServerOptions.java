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
  private final long queuedBytesPerSession;
  private final long queuedBytesPerServer;
  private final double dataRegionWritesStopAt;

  private GridServerOptions(Builder b) {
    this.queuedBytesPerSession = b.queuedBytesPerSession;
    this.dataRegionWritesStopAt = b.dataRegionWritesStopAt;
    this.queuedBytesPerServer =
        b.queuedBytesPerServer > 0 ? b.queuedBytesPerServer : b.grid.dataRegionMaxBytes() / 2;
    this.deliveryAckTimeout = b.deliveryAckTimeout;
    this.sharedDataLimits = b.sharedDataLimits;
    this.grid = Objects.requireNonNull(b.grid, "grid options are required");
    this.grpcHost = b.grpcHost;
    this.grpcPort = b.grpcPort;
    this.maxMessageBytes =
        b.maxMessageBytes > 0
            ? b.maxMessageBytes
            : Math.max(b.sharedDataLimits.maxPayloadBytes(), ContractLimits.MAX_BATCH_BYTES)
                + ContractLimits.MESSAGE_FRAMING_BYTES;
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

  /** Bytes of batches one session may have in the grid, counted per server (its quota). */
  public long queuedBytesPerSession() {
    return queuedBytesPerSession;
  }

  /**
   * Bytes of batches all sessions may have in the grid through this server; by default half its
   * data region, leaving the rest to backups of other servers' batches and shared data.
   */
  public long queuedBytesPerServer() {
    return queuedBytesPerServer;
  }

  /** Share of the data region past which client writes are refused (RESOURCE_EXHAUSTED). */
  public double dataRegionWritesStopAt() {
    return dataRegionWritesStopAt;
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

  /** Builder of {@link GridServerOptions}. */
  public static final class Builder {
    private GridOptions grid;
    private String grpcHost = "0.0.0.0";
    private int grpcPort = DEFAULT_GRPC_PORT;
    private int maxMessageBytes; // 0: the largest payload accepted plus framing
    private WorkerOptions localWorker;
    private SharedDataLimits sharedDataLimits = SharedDataLimits.defaults();
    private java.time.Duration deliveryAckTimeout = DEFAULT_DELIVERY_ACK_TIMEOUT;
    private long queuedBytesPerSession = ContractLimits.QUEUED_BYTES_PER_SESSION_DEFAULT;
    private long queuedBytesPerServer; // 0: half the data region
    private double dataRegionWritesStopAt = ContractLimits.DATA_REGION_WRITES_STOP_AT;

    /**
     * Share of the data region past which client writes are refused (default {@link
     * ContractLimits}'s); above 1 turns the guard off (tests of what happens without it).
     */
    public Builder dataRegionWritesStopAt(double fraction) {
      if (!(fraction > 0)) {
        throw new IllegalArgumentException(
            "dataRegionWritesStopAt must be positive, got " + fraction);
      }
      this.dataRegionWritesStopAt = fraction;
      return this;
    }

    private Builder() {}

    /** Queued-bytes quota of one session (default {@link ContractLimits}'s). */
    public Builder queuedBytesPerSession(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("queuedBytesPerSession must be positive, got " + bytes);
      }
      this.queuedBytesPerSession = bytes;
      return this;
    }

    /** Queued-bytes quota of the whole server (default half its data region). */
    public Builder queuedBytesPerServer(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("queuedBytesPerServer must be positive, got " + bytes);
      }
      this.queuedBytesPerServer = bytes;
      return this;
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
      if (maxMessageBytes > 0 && maxMessageBytes < sharedDataLimits.maxPayloadBytes()) {
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
