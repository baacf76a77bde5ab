package dev.gridqueue.worker;

import java.util.Set;
import java.util.UUID;

/**
 * How a worker presents itself to the scheduler: its id, how many batches it runs at once, and
 * which apps and tags it serves. Immutable; build with {@link #newBuilder()}.
 */
public final class WorkerOptions {
  private final String workerId;
  private final int slots;
  private final Set<String> apps;
  private final Set<String> tags;

  private WorkerOptions(Builder b) {
    this.workerId = b.workerId != null ? b.workerId : "worker-" + UUID.randomUUID().toString().substring(0, 8);
    this.slots = b.slots;
    this.apps = Set.copyOf(b.apps);
    this.tags = Set.copyOf(b.tags);
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

  /** App ids served; empty means every app whose handler is on the classpath. */
  public Set<String> apps() {
    return apps;
  }

  public Set<String> tags() {
    return tags;
  }

  /** Builder of {@link WorkerOptions}. */
  public static final class Builder {
    private String workerId;
    private int slots = Runtime.getRuntime().availableProcessors();
    private Set<String> apps = Set.of();
    private Set<String> tags = Set.of();

    private Builder() {}

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
