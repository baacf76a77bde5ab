package dev.gridqueue.worker;

import dev.gridqueue.grid.store.ResourceAmounts;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * How a worker presents itself to the scheduler: its id, how many batches it runs at once, and
 * which apps and tags it serves. Immutable; build with {@link #newBuilder()}.
 */
public final class WorkerOptions {
  /** Size of the input cache of command tasks unless set. */
  public static final long DEFAULT_CACHE_MB = 1024;

  private final String workerId;
  private final int slots;
  private final Set<String> apps;
  private final Set<String> tags;
  private final ResourceAmounts resources;
  private final Path handlersDirectory;
  private final Path sandboxDirectory;
  private final Path cacheDirectory;
  private final long cacheMb;

  private WorkerOptions(Builder b) {
    this.handlersDirectory = b.handlersDirectory;
    this.sandboxDirectory = b.sandboxDirectory;
    this.cacheDirectory = b.cacheDirectory;
    this.cacheMb = b.cacheMb;
    this.workerId =
        b.workerId != null ? b.workerId : "worker-" + UUID.randomUUID().toString().substring(0, 8);
    this.slots = b.slots;
    this.apps = Set.copyOf(b.apps);
    this.tags = Set.copyOf(b.tags);
    this.resources =
        new ResourceAmounts(
            b.cores != null ? b.cores : slots,
            b.memoryMb != null ? b.memoryMb : Runtime.getRuntime().maxMemory() >> 20,
            b.diskMb != null ? b.diskMb : new java.io.File(".").getUsableSpace() >> 20,
            b.gpus);
  }

  /**
   * What the worker offers batches that declare resources. Defaults: cores = slots, memory = the
   * JVM's maximum heap, disk = free space of the working directory, no gpus.
   */
  public ResourceAmounts resources() {
    return resources;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public String workerId() {
    return workerId;
  }

  /** Batches the worker runs at once. */
  public int slots() {
    return slots;
  }

  /**
   * App ids served; empty means every app whose handler is on the classpath or in the {@linkplain
   * #handlersDirectory() handlers directory}.
   */
  public Set<String> apps() {
    return apps;
  }

  /**
   * A directory whose {@code *.jar} files hold more task handlers, each jar loaded in its own class
   * loader that sees only the handler API and the JDK; empty for the classpath's handlers alone.
   */
  public Optional<Path> handlersDirectory() {
    return Optional.ofNullable(handlersDirectory);
  }

  public Set<String> tags() {
    return tags;
  }

  /**
   * Where command tasks get their sandbox directories; empty: {@code sandboxes} in the worker's
   * grid work directory.
   */
  public Optional<Path> sandboxDirectory() {
    return Optional.ofNullable(sandboxDirectory);
  }

  /**
   * Where cacheable inputs of command tasks are kept; empty: {@code input-cache} in the worker's
   * grid work directory.
   */
  public Optional<Path> cacheDirectory() {
    return Optional.ofNullable(cacheDirectory);
  }

  /** Most megabytes the input cache holds (least recently used files leave first). */
  public long cacheMb() {
    return cacheMb;
  }

  /** Whether the worker runs command tasks: when it serves every app, or names the command app. */
  public boolean runsCommands() {
    return apps.isEmpty() || apps.contains(dev.gridqueue.client.ContractLimits.COMMAND_APP_ID);
  }

  /** Builder of {@link WorkerOptions}. */
  public static final class Builder {
    private String workerId;
    private int slots = Runtime.getRuntime().availableProcessors();
    private Set<String> apps = Set.of();
    private Set<String> tags = Set.of();
    private Integer cores;
    private Long memoryMb;
    private Long diskMb;
    private int gpus;
    private Path handlersDirectory;
    private Path sandboxDirectory;
    private Path cacheDirectory;
    private long cacheMb = DEFAULT_CACHE_MB;

    private Builder() {}

    /** Sandboxes of command tasks under {@code directory} (removed and recreated at start). */
    public Builder sandboxDirectory(Path directory) {
      this.sandboxDirectory = Objects.requireNonNull(directory, "sandbox directory");
      return this;
    }

    /** The input cache in {@code directory}, at most {@code megabytes} MB. */
    public Builder cache(Path directory, long megabytes) {
      if (megabytes < 0) {
        throw new IllegalArgumentException("cache size must not be negative, got " + megabytes);
      }
      this.cacheDirectory = directory; // null: the default
      this.cacheMb = megabytes;
      return this;
    }

    /**
     * Also serve the handlers of every {@code *.jar} in {@code directory}. Checked when the worker
     * starts: a missing directory, an unreadable jar or two handlers of one app stop it.
     */
    public Builder handlersDirectory(Path directory) {
      this.handlersDirectory = Objects.requireNonNull(directory, "handlers directory");
      return this;
    }

    /** Resources offered; null leaves a field at its default (see {@link #resources()}). */
    public Builder resources(Integer cores, Long memoryMb, Long diskMb, Integer gpus) {
      if (cores != null && cores < 1) {
        throw new IllegalArgumentException("cores must be at least 1, got " + cores);
      }
      if (memoryMb != null && memoryMb < 0
          || diskMb != null && diskMb < 0
          || gpus != null && gpus < 0) {
        throw new IllegalArgumentException("memory, disk and gpus must not be negative");
      }
      this.cores = cores;
      this.memoryMb = memoryMb;
      this.diskMb = diskMb;
      this.gpus = gpus != null ? gpus : 0;
      return this;
    }

    public Builder workerId(String workerId) {
      if (workerId == null || workerId.isBlank()) {
        throw new IllegalArgumentException("workerId must not be empty");
      }
      this.workerId = workerId;
      return this;
    }

    public Builder slots(int slots) {
      if (slots < 1 || slots > 1024) {
        throw new IllegalArgumentException("slots must be between 1 and 1024, got " + slots);
      }
      this.slots = slots;
      return this;
    }

    public Builder apps(Set<String> apps) {
      apps.forEach(
          a -> {
            if (a.isBlank()) {
              throw new IllegalArgumentException("app ids must not be empty");
            }
          });
      this.apps = Set.copyOf(apps);
      return this;
    }

    public Builder tags(Set<String> tags) {
      this.tags = Set.copyOf(tags);
      return this;
    }

    public WorkerOptions build() {
      return new WorkerOptions(this);
    }
  }
}
