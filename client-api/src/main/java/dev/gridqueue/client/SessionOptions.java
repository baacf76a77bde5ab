package dev.gridqueue.client;

import dev.gridqueue.proto.v1.App;
import dev.gridqueue.proto.v1.Session;
import dev.gridqueue.proto.v1.SessionAttributes;
import java.util.List;
import java.util.Objects;

/**
 * A session to create: its app, its scheduling attributes, and how the client batches tasks.
 * Immutable; {@link #forApp(String)} starts a builder. Values the server checks (priority range,
 * limits) are checked here too, so mistakes show up at the call site.
 */
public final class SessionOptions {
  private final String appId;
  private final Integer priority;
  private final int minWorkers;
  private final int maxWorkers;
  private final Integer maxInflightBatchesPerWorker;
  private final Integer maxRetries;
  private final List<String> tags;
  private final boolean cleanupOnClientExit;
  private final String clientId;
  private final int batchSize;

  private SessionOptions(Builder b) {
    this.appId = b.appId;
    this.priority = b.priority;
    this.minWorkers = b.minWorkers;
    this.maxWorkers = b.maxWorkers;
    this.maxInflightBatchesPerWorker = b.maxInflightBatchesPerWorker;
    this.maxRetries = b.maxRetries;
    this.tags = List.copyOf(b.tags);
    this.cleanupOnClientExit = b.cleanupOnClientExit;
    this.clientId = b.clientId;
    this.batchSize = b.batchSize;
    this.more = b.more.build();
  }

  /** Attributes set through the builder's scheduling and fault-tolerance options. */
  private final SessionAttributes more;

  public static Builder forApp(String appId) {
    return new Builder(appId);
  }

  public String appId() {
    return appId;
  }

  /** Tasks per batch the client sends; {@link TaskSession#flush()} sends a partial one. */
  public int batchSize() {
    return batchSize;
  }

  /** The CreateSession request these options describe. */
  public Session toRequest() {
    SessionAttributes.Builder a =
        SessionAttributes.newBuilder()
            .setMinWorkers(minWorkers)
            .setMaxWorkers(maxWorkers)
            .addAllTags(tags)
            .setCleanupOnClientExit(cleanupOnClientExit)
            .setClientId(clientId);
    if (priority != null) {
      a.setPriority(priority);
    }
    if (maxInflightBatchesPerWorker != null) {
      a.setMaxInflightBatchesPerWorker(maxInflightBatchesPerWorker);
    }
    if (maxRetries != null) {
      a.setMaxRetries(maxRetries);
    }
    a.mergeFrom(more);
    return Session.newBuilder().setApp(App.newBuilder().setId(appId)).setAttributes(a).build();
  }

  /** Builder of {@link SessionOptions}. */
  public static final class Builder {
    private final String appId;
    private Integer priority;
    private int minWorkers;
    private int maxWorkers;
    private Integer maxInflightBatchesPerWorker;
    private Integer maxRetries;
    private List<String> tags = List.of();
    private boolean cleanupOnClientExit;
    private String clientId = "";
    private int batchSize = 100;
    private final SessionAttributes.Builder more = SessionAttributes.newBuilder();

    private Builder(String appId) {
      if (appId == null || appId.isBlank()) {
        throw new IllegalArgumentException("appId must not be empty");
      }
      this.appId = appId;
    }

    /** 0 (lowest) to 10 (highest); the server's default is 5. */
    public Builder priority(int priority) {
      if (priority < 0 || priority > 10) {
        throw new IllegalArgumentException("priority must be between 0 and 10, got " + priority);
      }
      this.priority = priority;
      return this;
    }

    public Builder workers(int min, int max) {
      if (min < 0 || max < 0 || (max > 0 && min > max)) {
        throw new IllegalArgumentException("need 0 <= min <= max (max 0 = no cap), got " + min + ", " + max);
      }
      this.minWorkers = min;
      this.maxWorkers = max;
      return this;
    }

    public Builder maxInflightBatchesPerWorker(int n) {
      if (n < 1 || n > 1000) {
        throw new IllegalArgumentException("maxInflightBatchesPerWorker must be between 1 and 1000, got " + n);
      }
      this.maxInflightBatchesPerWorker = n;
      return this;
    }

    /** Times a batch lost with its worker is run again before its tasks fail; the server's default is 3. */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0 || maxRetries > 100) {
        throw new IllegalArgumentException("maxRetries must be between 0 and 100, got " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    public Builder tags(List<String> tags) {
      this.tags = List.copyOf(Objects.requireNonNull(tags, "tags"));
      return this;
    }

    public Builder cleanupOnClientExit(boolean cleanup) {
      this.cleanupOnClientExit = cleanup;
      return this;
    }

    public Builder clientId(String clientId) {
      this.clientId = Objects.requireNonNull(clientId, "clientId");
      return this;
    }

    public Builder batchSize(int batchSize) {
      if (batchSize < 1 || batchSize > 100_000) {
        throw new IllegalArgumentException("batchSize must be between 1 and 100000, got " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /** The session yields workers to higher-priority sessions after the current batch. */
    public Builder preemptible(boolean preemptible) {
      more.setPreemptible(preemptible);
      return this;
    }

    /** Resources each batch needs unless it declares its own (0: none of that resource). */
    public Builder taskResources(int cores, long memoryMb, long diskMb, int gpus) {
      more.setTaskResources(resources(cores, memoryMb, diskMb, gpus));
      return this;
    }

    /** Resources of the batches of a category (their {@code Batch.category}). */
    public Builder category(String name, int cores, long memoryMb, long diskMb, int gpus) {
      more.putCategories(name, resources(cores, memoryMb, diskMb, gpus));
      return this;
    }

    /** A task running longer is stopped and dead-lettered (MAX_WALLTIME). */
    public Builder maxTaskRunningTime(java.time.Duration limit) {
      more.setMaxTaskRunningTime(duration(limit));
      return this;
    }

    /** Work Queue's fast abort: batches slower than this multiple of their category's mean are retried. */
    public Builder fastAbortMultiplier(double multiplier) {
      more.setFastAbortMultiplier(multiplier);
      return this;
    }

    /** Worker hosts (names or addresses) that must not serve the session. */
    public Builder blockedWorkerHosts(List<String> hosts) {
      more.clearBlockedWorkerHosts().addAllBlockedWorkerHosts(hosts);
      return this;
    }

    /** The session is closed when no client has been attached for this long. */
    public Builder idleTimeout(java.time.Duration timeout) {
      more.setIdleTimeout(duration(timeout));
      return this;
    }

    private static dev.gridqueue.proto.v1.Resources resources(int cores, long memoryMb, long diskMb, int gpus) {
      return dev.gridqueue.proto.v1.Resources.newBuilder()
          .setCores(cores)
          .setMemoryMb(memoryMb)
          .setDiskMb(diskMb)
          .setGpus(gpus)
          .build();
    }

    private static com.google.protobuf.Duration duration(java.time.Duration d) {
      return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
    }

    public SessionOptions build() {
      return new SessionOptions(this);
    }
  }
}
