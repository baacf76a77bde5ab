package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.CategoryLimitAmounts;
import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.grid.store.SessionPolicy;
import dev.gridqueue.grid.store.SessionRecord;
import java.util.Map;
import java.util.Set;

/**
 * The session attributes scheduling needs. A worker must carry every one of {@code tags} and not
 * run on a {@code blockedHosts} host; at least {@code minWorkers} (when it has work) and at most
 * {@code maxWorkers} (0: no cap) workers are bound to it; a batch lost with its worker is run at
 * most {@code 1 + maxRetries} times; {@code taskResources} (null: none declared) and {@code
 * categories} give what a batch needs when it declares nothing itself; {@code categoryLimits} are
 * Work Queue's category max, min and allocation mode ({@link CategorySizing}); {@code version}: the
 * stored record's (UpdateSession makes a newer one).
 */
record SessionInfo(
    String sessionId,
    String appId,
    int priority,
    int maxInflightBatchesPerWorker,
    Set<String> tags,
    int minWorkers,
    int maxWorkers,
    boolean preemptible,
    int maxRetries,
    ResourceAmounts taskResources,
    Map<String, ResourceAmounts> categories,
    long maxTaskRunningNanos,
    double fastAbortMultiplier,
    Set<String> blockedHosts,
    Map<String, CategoryLimitAmounts> categoryLimits,
    long version) {
  static final int DEFAULT_MAX_RETRIES = 3;

  static Builder builder(String sessionId, String appId) {
    return new Builder(sessionId, appId);
  }

  /**
   * What a batch needs: its own declaration, else its category's, else the session's; null: none.
   */
  ResourceAmounts needOf(ResourceAmounts declared, String category) {
    if (declared != null && !declared.isNone()) {
      return declared;
    }
    if (category != null) {
      ResourceAmounts byCategory = categories.get(category);
      if (byCategory != null && !byCategory.isNone()) {
        return byCategory;
      }
    }
    return taskResources;
  }

  static SessionInfo of(SessionRecord record) {
    SessionPolicy p = record.policy();
    return new SessionInfo(
        record.sessionId(),
        record.appId(),
        record.priority(),
        record.maxInflightBatchesPerWorker(),
        p.tags(),
        p.minWorkers(),
        p.maxWorkers(),
        p.preemptible(),
        p.maxRetries(),
        p.taskResources(),
        p.categories(),
        p.maxTaskRunningNanos(),
        p.fastAbortMultiplier(),
        p.blockedHosts(),
        p.categoryLimits(),
        record.version());
  }

  /** Builder for tests and benchmarks. */
  static final class Builder {
    private final String sessionId;
    private final String appId;
    private int priority = 5;
    private int maxInflight = 10;
    private Set<String> tags = Set.of();
    private int minWorkers;
    private int maxWorkers;
    private boolean preemptible;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private ResourceAmounts taskResources;
    private Map<String, ResourceAmounts> categories = Map.of();
    private double fastAbortMultiplier;
    private Set<String> blockedHosts = Set.of();
    private Map<String, CategoryLimitAmounts> categoryLimits = Map.of();
    private long version;

    private Builder(String sessionId, String appId) {
      this.sessionId = sessionId;
      this.appId = appId;
    }

    Builder priority(int p) {
      priority = p;
      return this;
    }

    Builder maxInflight(int n) {
      maxInflight = n;
      return this;
    }

    Builder tags(String... t) {
      tags = Set.of(t);
      return this;
    }

    Builder workers(int min, int max) {
      minWorkers = min;
      maxWorkers = max;
      return this;
    }

    Builder preemptible() {
      preemptible = true;
      return this;
    }

    Builder maxRetries(int n) {
      maxRetries = n;
      return this;
    }

    Builder taskResources(ResourceAmounts r) {
      taskResources = r;
      return this;
    }

    Builder categories(Map<String, ResourceAmounts> c) {
      categories = c;
      return this;
    }

    Builder fastAbort(double multiplier) {
      fastAbortMultiplier = multiplier;
      return this;
    }

    Builder categoryLimits(Map<String, CategoryLimitAmounts> limits) {
      categoryLimits = limits;
      return this;
    }

    Builder blockedHosts(String... hosts) {
      blockedHosts = Set.of(hosts);
      return this;
    }

    Builder version(long v) {
      version = v;
      return this;
    }

    SessionInfo build() {
      return new SessionInfo(
          sessionId,
          appId,
          priority,
          maxInflight,
          tags,
          minWorkers,
          maxWorkers,
          preemptible,
          maxRetries,
          taskResources,
          categories,
          0,
          fastAbortMultiplier,
          blockedHosts,
          categoryLimits,
          version);
    }
  }
}
