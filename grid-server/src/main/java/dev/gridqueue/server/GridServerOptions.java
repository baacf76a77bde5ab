package dev.gridqueue.server;

import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.grid.GridOptions;
import dev.gridqueue.scheduler.SchedulerLogs;
import dev.gridqueue.server.security.ApiKeys;
import dev.gridqueue.server.security.ApiKeysFile;
import dev.gridqueue.server.security.GrpcTls;
import dev.gridqueue.shareddata.SharedDataLimits;
import dev.gridqueue.worker.WorkerOptions;
import java.util.Objects;
import java.util.Optional;

/** What a grid server runs: its Ignite node, its gRPC endpoint, and optionally a local worker. */
public final class GridServerOptions {
  /**
   * The address gRPC binds unless told otherwise: this host only (see {@link Builder#insecure}).
   */
  public static final String DEFAULT_GRPC_HOST = "127.0.0.1";

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
  private final ApiKeys apiKeys;
  private final ApiKeysFile apiKeysFile;
  private final GrpcTls tls;
  private final long queuedBytesPerSession;
  private final long queuedBytesPerServer;
  private final int metricsPort;
  private final int dashboardPort;
  private final double dataRegionWritesStopAt;
  private final java.time.Duration sessionIdleTimeout;
  private final SchedulerLogs schedulerLogs;
  private final java.time.Duration workerBatchDeadline;

  private GridServerOptions(Builder b) {
    this.schedulerLogs = b.schedulerLogs;
    this.workerBatchDeadline = b.workerBatchDeadline;
    this.apiKeys = b.apiKeys;
    this.apiKeysFile = b.apiKeysFile;
    this.tls = b.tls;
    this.queuedBytesPerSession = b.queuedBytesPerSession;
    this.dataRegionWritesStopAt = b.dataRegionWritesStopAt;
    this.queuedBytesPerServer =
        b.queuedBytesPerServer > 0 ? b.queuedBytesPerServer : b.grid.dataRegionMaxBytes() / 2;
    this.sessionIdleTimeout = b.sessionIdleTimeout;
    this.metricsPort = b.metricsPort;
    this.dashboardPort = b.dashboardPort;
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

  /** The API keys calls must carry; {@link ApiKeys#none()} lets every call through. */
  public ApiKeys apiKeys() {
    return apiKeys;
  }

  /**
   * The key file the keys came from, if they came from one: the server reads it again when it
   * changes.
   */
  public Optional<ApiKeysFile> apiKeysFile() {
    return Optional.ofNullable(apiKeysFile);
  }

  /** TLS of the gRPC port, if any (plaintext otherwise). */
  public Optional<GrpcTls> tls() {
    return Optional.ofNullable(tls);
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

  private static boolean isLoopback(String host) {
    try {
      return java.net.InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("grpcHost " + host + " does not resolve", e);
    }
  }

  /**
   * How long a session that sets no {@code idle_timeout} may go without a client before it is
   * closed; zero: never.
   */
  public java.time.Duration sessionIdleTimeout() {
    return sessionIdleTimeout;
  }

  /**
   * How long a polyglot worker may hold a batch of a session that sets no {@code
   * max_task_running_time} before it is taken back and run elsewhere (with one, that time × the
   * batch's tasks + a grace).
   */
  public java.time.Duration workerBatchDeadline() {
    return workerBatchDeadline;
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

  /** Where this node writes the scheduler's transactions and stats logs while it hosts it. */
  public SchedulerLogs schedulerLogs() {
    return schedulerLogs;
  }

  /** Builder of {@link GridServerOptions}. */
  public static final class Builder {
    private GridOptions grid;
    private String grpcHost = DEFAULT_GRPC_HOST;
    private ApiKeys apiKeys = ApiKeys.none();
    private ApiKeysFile apiKeysFile;
    private GrpcTls tls;
    private boolean insecure;
    private int grpcPort = DEFAULT_GRPC_PORT;
    private int maxMessageBytes; // 0: the largest payload accepted plus framing
    private WorkerOptions localWorker;
    private SharedDataLimits sharedDataLimits = SharedDataLimits.defaults();
    private java.time.Duration deliveryAckTimeout = DEFAULT_DELIVERY_ACK_TIMEOUT;
    private long queuedBytesPerSession = ContractLimits.QUEUED_BYTES_PER_SESSION_DEFAULT;
    private long queuedBytesPerServer; // 0: half the data region
    private int metricsPort = -1;
    private int dashboardPort = -1;
    private double dataRegionWritesStopAt = ContractLimits.DATA_REGION_WRITES_STOP_AT;
    private java.time.Duration sessionIdleTimeout = ContractLimits.SESSION_IDLE_TIMEOUT_DEFAULT;
    private SchedulerLogs schedulerLogs = new SchedulerLogs(null, null);
    private java.time.Duration workerBatchDeadline = ContractLimits.POLYGLOT_BATCH_DEADLINE_DEFAULT;

    private Builder() {}

    /**
     * Writes the scheduler's transactions log and stats log to these files while this node hosts
     * the scheduler (a null path: not that log). README, "Transactions and stats logs".
     */
    public Builder schedulerLogs(SchedulerLogs logs) {
      this.schedulerLogs = Objects.requireNonNull(logs, "schedulerLogs");
      return this;
    }

    /**
     * How long a polyglot worker may hold a batch of a session that sets no {@code
     * max_task_running_time} (default {@link ContractLimits#POLYGLOT_BATCH_DEADLINE_DEFAULT}).
     */
    public Builder workerBatchDeadline(java.time.Duration deadline) {
      if (deadline.isNegative() || deadline.isZero()) {
        throw new IllegalArgumentException("workerBatchDeadline must be positive, got " + deadline);
      }
      this.workerBatchDeadline = deadline;
      return this;
    }

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

    /** API keys every call must carry (see {@link ApiKeys} for the file format). */
    public Builder apiKeys(ApiKeys keys) {
      this.apiKeys = Objects.requireNonNull(keys, "apiKeys");
      this.apiKeysFile = null;
      return this;
    }

    /**
     * API keys from a key file ({@link ApiKeys} for the format), read now (a malformed file fails
     * here) and again whenever it changes while the server runs ({@link ApiKeysFile}).
     */
    public Builder apiKeysFile(java.nio.file.Path file) {
      this.apiKeysFile = ApiKeysFile.load(file);
      this.apiKeys = apiKeysFile.get();
      return this;
    }

    /** Serves gRPC over TLS; null for plaintext. */
    public Builder tls(GrpcTls tls) {
      this.tls = tls;
      return this;
    }

    /**
     * Allows gRPC on an address other than loopback without TLS or without API keys (then anyone
     * who reaches the port can read and cancel every session). Off by default: {@link #build()}
     * refuses such a server.
     */
    public Builder insecure(boolean insecure) {
      this.insecure = insecure;
      return this;
    }

    /** Runs a worker inside the server; null for none. */
    public Builder localWorker(WorkerOptions worker) {
      this.localWorker = worker;
      return this;
    }

    public GridServerOptions build() {
      if (!insecure && !isLoopback(grpcHost) && (tls == null || !apiKeys.enabled())) {
        throw new IllegalArgumentException(
            "gRPC would listen on "
                + grpcHost
                + ", which is not a loopback address, without "
                + (tls == null && !apiKeys.enabled()
                    ? "TLS and API keys"
                    : tls == null ? "TLS" : "API keys")
                + ": anyone reaching it could read, cancel and close every session. Give"
                + " --tls-cert/--tls-key and --api-keys, bind --grpc-host 127.0.0.1, or accept"
                + " the risk with --insecure");
      }
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
