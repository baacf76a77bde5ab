package dev.gridqueue.client;

import com.google.protobuf.FieldMask;
import dev.gridqueue.proto.v1.Session;
import dev.gridqueue.proto.v1.SessionAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A change to a running session's attributes (UpdateSession): only what a builder method sets
 * changes, everything else stays (the request's {@code update_mask} names exactly those
 * attributes). The scheduler applies it on its next pass; see {@code UpdateSession} in queue.proto.
 * Values are checked as {@link SessionOptions} checks them, so a mistake throws {@link
 * IllegalArgumentException} at its call site; the server checks again (min ≤ max against the
 * session's current values, host names) and answers {@code INVALID_ARGUMENT} changing nothing.
 *
 * <pre>{@code
 * session.update(SessionUpdate.newBuilder().priority(9).maxWorkers(4).build());
 * }</pre>
 */
public final class SessionUpdate {
  /** Changes nothing: UpdateSession with an empty mask answers the session as it is. */
  public static final SessionUpdate NOTHING = newBuilder().build();

  private final SessionAttributes attributes;
  private final List<String> paths;
  private final List<String> blockHosts;
  private final List<String> unblockHosts;

  private SessionUpdate(Builder b) {
    this.attributes = b.attributes.build();
    this.paths = List.copyOf(b.paths);
    this.blockHosts = List.copyOf(b.blockHosts);
    this.unblockHosts = List.copyOf(b.unblockHosts);
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** The attribute names this update changes (SessionAttributes field names). */
  public List<String> paths() {
    return paths;
  }

  /** The UpdateSession request for session {@code sessionId}. */
  public Session toRequest(String sessionId) {
    return Session.newBuilder()
        .setId(sessionId)
        .setAttributes(attributes)
        .setUpdateMask(FieldMask.newBuilder().addAllPaths(paths))
        .addAllBlockWorkerHosts(blockHosts)
        .addAllUnblockWorkerHosts(unblockHosts)
        .build();
  }

  /** Builder of a {@link SessionUpdate}: each method names one attribute to change. */
  public static final class Builder {
    private final SessionAttributes.Builder attributes = SessionAttributes.newBuilder();
    private final Set<String> paths = new LinkedHashSet<>();
    private final Set<String> blockHosts = new LinkedHashSet<>();
    private final Set<String> unblockHosts = new LinkedHashSet<>();

    private Builder() {}

    /** {@value ContractLimits#PRIORITY_MIN} to {@value ContractLimits#PRIORITY_MAX}. */
    public Builder priority(int priority) {
      SessionOptions.forApp("-").priority(priority); // the same rule, the same message
      attributes.setPriority(priority);
      paths.add("priority");
      return this;
    }

    /** Workers guaranteed while the session has work: 0 to {@value ContractLimits#WORKERS_MAX}. */
    public Builder minWorkers(int min) {
      workers("minWorkers", min);
      attributes.setMinWorkers(min);
      paths.add("min_workers");
      return this;
    }

    /** Cap on workers bound to the session (0: none): 0 to {@value ContractLimits#WORKERS_MAX}. */
    public Builder maxWorkers(int max) {
      workers("maxWorkers", max);
      attributes.setMaxWorkers(max);
      paths.add("max_workers");
      return this;
    }

    public Builder preemptible(boolean preemptible) {
      attributes.setPreemptible(preemptible);
      paths.add("preemptible");
      return this;
    }

    /** Replaces the tags a worker must carry (an empty list clears them). */
    public Builder tags(List<String> tags) {
      List<String> given = nonBlank(tags, "tags");
      attributes.clearTags().addAllTags(given);
      paths.add("tags");
      return this;
    }

    /** Batches one worker may hold for the session at once. */
    public Builder maxInflightBatchesPerWorker(int n) {
      SessionOptions.forApp("-").maxInflightBatchesPerWorker(n);
      attributes.setMaxInflightBatchesPerWorker(n);
      paths.add("max_inflight_batches_per_worker");
      return this;
    }

    /** Closed when no client has been attached for this long (zero: never). */
    public Builder idleTimeout(Duration timeout) {
      SessionAttributes a =
          SessionOptions.forApp("-").idleTimeout(timeout).build().toRequest().getAttributes();
      attributes.setIdleTimeout(a.getIdleTimeout());
      paths.add("idle_timeout");
      return this;
    }

    /** Replaces the blocked worker hosts (an empty list clears them). */
    public Builder blockedWorkerHosts(List<String> hosts) {
      List<String> given = nonBlank(hosts, "blockedWorkerHosts");
      attributes.clearBlockedWorkerHosts().addAllBlockedWorkerHosts(given);
      paths.add("blocked_worker_hosts");
      return this;
    }

    /**
     * Adds {@code host} to the blocked worker hosts as the grid holds them when it applies the
     * update (not a list read earlier): two clients blocking hosts at once both stick.
     */
    public Builder blockHost(String host) {
      blockHosts.addAll(nonBlank(List.of(Objects.requireNonNull(host, "host")), "host"));
      unblockHosts.remove(host);
      return this;
    }

    /** Removes {@code host} from the blocked worker hosts as the grid holds them. */
    public Builder unblockHost(String host) {
      unblockHosts.addAll(nonBlank(List.of(Objects.requireNonNull(host, "host")), "host"));
      blockHosts.remove(host);
      return this;
    }

    public SessionUpdate build() {
      return new SessionUpdate(this);
    }

    private static void workers(String name, int n) {
      if (n < 0 || n > ContractLimits.WORKERS_MAX) {
        throw new IllegalArgumentException(
            name + " must be between 0 and " + ContractLimits.WORKERS_MAX + ", got " + n);
      }
    }

    private static List<String> nonBlank(List<String> values, String name) {
      List<String> given = new ArrayList<>(Objects.requireNonNull(values, name));
      if (given.stream().anyMatch(v -> v == null || v.isBlank())) {
        throw new IllegalArgumentException(name + " must not contain empty values, got " + values);
      }
      return given;
    }
  }
}
