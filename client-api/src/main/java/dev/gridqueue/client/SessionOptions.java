package dev.gridqueue.client;

import dev.gridqueue.proto.v1.App;
import dev.gridqueue.proto.v1.CategoryLimits;
import dev.gridqueue.proto.v1.Resources;
import dev.gridqueue.proto.v1.Session;
import dev.gridqueue.proto.v1.SessionAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A session to create: its app, its scheduling attributes, and how the client batches tasks.
 * Immutable; {@link #forApp(String)} starts a builder. Every value the server checks ({@link
 * ContractLimits}) is checked by the builder method that sets it, so a mistake throws {@link
 * IllegalArgumentException} at its call site rather than {@code INVALID_ARGUMENT} later. Attributes
 * left unset stay absent from the request: the server fills in its defaults.
 */
public final class SessionOptions {
  /** Tasks per batch unless {@link Builder#batchSize(int)} says otherwise. */
  static final int DEFAULT_BATCH_SIZE = 100;

  private final String appId;
  private final SessionAttributes attributes;
  private final int batchSize;

  private SessionOptions(Builder b) {
    this.appId = b.appId;
    this.attributes = b.attributes.build();
    this.batchSize = b.batchSize;
  }

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
    return Session.newBuilder()
        .setApp(App.newBuilder().setId(appId))
        .setAttributes(attributes)
        .build();
  }

  /** Builder of {@link SessionOptions}: each method rejects a bad value at once. */
  public static final class Builder {
    private final String appId;
    // The client has always sent cleanup_on_client_exit, false unless asked: keep the request as it
    // was.
    private final SessionAttributes.Builder attributes =
        SessionAttributes.newBuilder().setCleanupOnClientExit(false);
    private int batchSize = DEFAULT_BATCH_SIZE;

    private Builder(String appId) {
      if (appId == null || appId.isBlank()) {
        throw new IllegalArgumentException("appId must not be empty");
      }
      this.appId = appId;
    }

    /**
     * {@value ContractLimits#PRIORITY_MIN} (lowest) to {@value ContractLimits#PRIORITY_MAX}
     * (highest); the server's default is {@value ContractLimits#PRIORITY_DEFAULT}.
     */
    public Builder priority(int priority) {
      if (priority < ContractLimits.PRIORITY_MIN || priority > ContractLimits.PRIORITY_MAX) {
        throw new IllegalArgumentException(
            "priority must be between "
                + ContractLimits.PRIORITY_MIN
                + " and "
                + ContractLimits.PRIORITY_MAX
                + ", got "
                + priority);
      }
      attributes.setPriority(priority);
      return this;
    }

    /** Workers guaranteed to the session ({@code min}) and its cap ({@code max}, 0: no cap). */
    public Builder workers(int min, int max) {
      if (min < 0 || max < 0 || (max > 0 && min > max)) {
        throw new IllegalArgumentException(
            "need 0 <= min <= max (max 0 = no cap), got " + min + ", " + max);
      }
      attributes.setMinWorkers(min).setMaxWorkers(max);
      return this;
    }

    /**
     * Batches one worker may hold for the session at once; the server's default is {@value
     * ContractLimits#MAX_INFLIGHT_BATCHES_PER_WORKER_DEFAULT}.
     */
    public Builder maxInflightBatchesPerWorker(int n) {
      if (n < ContractLimits.MAX_INFLIGHT_BATCHES_PER_WORKER_MIN
          || n > ContractLimits.MAX_INFLIGHT_BATCHES_PER_WORKER_MAX) {
        throw new IllegalArgumentException(
            "maxInflightBatchesPerWorker must be between "
                + ContractLimits.MAX_INFLIGHT_BATCHES_PER_WORKER_MIN
                + " and "
                + ContractLimits.MAX_INFLIGHT_BATCHES_PER_WORKER_MAX
                + ", got "
                + n);
      }
      attributes.setMaxInflightBatchesPerWorker(n);
      return this;
    }

    /**
     * Times a batch lost with its worker is run again before its tasks fail; the server's default
     * is {@value ContractLimits#MAX_RETRIES_DEFAULT}.
     */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0 || maxRetries > ContractLimits.MAX_RETRIES_MAX) {
        throw new IllegalArgumentException(
            "maxRetries must be between 0 and "
                + ContractLimits.MAX_RETRIES_MAX
                + ", got "
                + maxRetries);
      }
      attributes.setMaxRetries(maxRetries);
      return this;
    }

    /** Tags a worker must all carry to serve the session (replaces earlier ones). */
    public Builder tags(List<String> tags) {
      List<String> given = List.copyOf(Objects.requireNonNull(tags, "tags"));
      requireNoBlank(given, "tags");
      attributes.clearTags().addAllTags(given);
      return this;
    }

    public Builder cleanupOnClientExit(boolean cleanup) {
      attributes.setCleanupOnClientExit(cleanup);
      return this;
    }

    public Builder clientId(String clientId) {
      attributes.setClientId(Objects.requireNonNull(clientId, "clientId"));
      return this;
    }

    /** Tasks per batch the client sends: 1 to {@value ContractLimits#MAX_TASKS_PER_BATCH}. */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1 || batchSize > ContractLimits.MAX_TASKS_PER_BATCH) {
        throw new IllegalArgumentException(
            "batchSize must be between 1 and "
                + ContractLimits.MAX_TASKS_PER_BATCH
                + ", got "
                + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /** The session yields workers to higher-priority sessions after the current batch. */
    public Builder preemptible(boolean preemptible) {
      attributes.setPreemptible(preemptible);
      return this;
    }

    /** Resources each batch needs unless it declares its own (0: none of that resource). */
    public Builder taskResources(int cores, long memoryMb, long diskMb, int gpus) {
      attributes.setTaskResources(resources(cores, memoryMb, diskMb, gpus));
      return this;
    }

    /** Resources of the batches of a category (their {@code Batch.category}). */
    public Builder category(String name, int cores, long memoryMb, long diskMb, int gpus) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("category name must not be empty");
      }
      attributes.putCategories(name, resources(cores, memoryMb, diskMb, gpus));
      return this;
    }

    /**
     * Work Queue's category limits: a batch of category {@code name} that declares nothing starts
     * with a first allocation chosen by {@code limits.mode} from the measured history, within
     * {@code limits.min} and {@code limits.max}; one that runs out of memory or disk runs once more
     * with {@code limits.max} when that is larger.
     */
    public Builder categoryLimits(String name, CategoryLimits limits) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("category name must not be empty");
      }
      attributes.putCategoryLimits(name, limits);
      return this;
    }

    /** A task running longer is stopped and dead-lettered (MAX_WALLTIME). */
    public Builder maxTaskRunningTime(Duration limit) {
      attributes.setMaxTaskRunningTime(nonNegative(limit, "maxTaskRunningTime"));
      return this;
    }

    /**
     * Work Queue's fast abort: batches slower than this multiple of their category's mean are
     * retried. 0 (off) or at least 1.
     */
    public Builder fastAbortMultiplier(double multiplier) {
      if (Double.isNaN(multiplier) || multiplier < 0 || (multiplier > 0 && multiplier < 1)) {
        throw new IllegalArgumentException(
            "fastAbortMultiplier must be 0 (off) or at least 1, got " + multiplier);
      }
      attributes.setFastAbortMultiplier(multiplier);
      return this;
    }

    /**
     * Worker hosts (names or addresses) that must not serve the session (replaces earlier ones).
     */
    public Builder blockedWorkerHosts(List<String> hosts) {
      List<String> given = List.copyOf(Objects.requireNonNull(hosts, "hosts"));
      requireNoBlank(given, "blockedWorkerHosts");
      attributes.clearBlockedWorkerHosts().addAllBlockedWorkerHosts(given);
      return this;
    }

    /** The session is closed when no client has been attached for this long. */
    public Builder idleTimeout(Duration timeout) {
      attributes.setIdleTimeout(nonNegative(timeout, "idleTimeout"));
      return this;
    }

    public SessionOptions build() {
      return new SessionOptions(this);
    }

    private static Resources resources(int cores, long memoryMb, long diskMb, int gpus) {
      // The wire's fields are unsigned: a negative value would arrive as a huge need.
      if (cores < 0 || memoryMb < 0 || diskMb < 0 || gpus < 0) {
        throw new IllegalArgumentException(
            "resources must not be negative, got cores "
                + cores
                + ", memoryMb "
                + memoryMb
                + ", diskMb "
                + diskMb
                + ", gpus "
                + gpus);
      }
      return Resources.newBuilder()
          .setCores(cores)
          .setMemoryMb(memoryMb)
          .setDiskMb(diskMb)
          .setGpus(gpus)
          .build();
    }

    private static com.google.protobuf.Duration nonNegative(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative, got " + d);
      }
      return com.google.protobuf.Duration.newBuilder()
          .setSeconds(d.getSeconds())
          .setNanos(d.getNano())
          .build();
    }

    private static void requireNoBlank(List<String> values, String name) {
      if (values.stream().anyMatch(String::isBlank)) {
        throw new IllegalArgumentException(name + " must not contain empty values, got " + values);
      }
    }
  }
}
