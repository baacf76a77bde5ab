package dev.gridqueue.grid.store;

import java.io.Serializable;
import java.util.Map;
import java.util.Set;

/**
 * What scheduling needs of a session's attributes, decoded once by the grid node that created the
 * session and stored with it: a worker must carry every one of {@code tags} and not run on a {@code
 * blockedHosts} host; at least {@code minWorkers} (when it has work) and at most {@code maxWorkers}
 * (0: no cap) workers are bound to it; a batch lost with its worker runs at most {@code 1 +
 * maxRetries} times; {@code taskResources} (null: none declared) and {@code categories} give what a
 * batch needs when it declares nothing itself; {@code maxTaskRunningNanos} and {@code
 * fastAbortMultiplier} (0: off) bound run times. A plain class: it crosses JVMs through Ignite's
 * binary marshaller.
 */
public final class SessionPolicy implements Serializable {
  private static final long serialVersionUID = 2L;

  private final Set<String> tags;
  private final int minWorkers;
  private final int maxWorkers;
  private final boolean preemptible;
  private final int maxRetries;
  private final ResourceAmounts taskResources;
  private final Map<String, ResourceAmounts> categories;
  private final long maxTaskRunningNanos;
  private final double fastAbortMultiplier;
  private final Set<String> blockedHosts;
  private final Map<String, CategoryLimitAmounts> categoryLimits;

  public SessionPolicy(
      Set<String> tags,
      int minWorkers,
      int maxWorkers,
      boolean preemptible,
      int maxRetries,
      ResourceAmounts taskResources,
      Map<String, ResourceAmounts> categories,
      long maxTaskRunningNanos,
      double fastAbortMultiplier,
      Set<String> blockedHosts) {
    this(
        tags,
        minWorkers,
        maxWorkers,
        preemptible,
        maxRetries,
        taskResources,
        categories,
        maxTaskRunningNanos,
        fastAbortMultiplier,
        blockedHosts,
        Map.of());
  }

  /** As above, with Work Queue's category limits and allocation modes by category name. */
  public SessionPolicy(
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
      Map<String, CategoryLimitAmounts> categoryLimits) {
    this.tags = Set.copyOf(tags);
    this.minWorkers = minWorkers;
    this.maxWorkers = maxWorkers;
    this.preemptible = preemptible;
    this.maxRetries = maxRetries;
    this.taskResources = taskResources == null || taskResources.isNone() ? null : taskResources;
    this.categories = Map.copyOf(categories);
    this.maxTaskRunningNanos = maxTaskRunningNanos;
    this.fastAbortMultiplier = fastAbortMultiplier;
    this.blockedHosts = Set.copyOf(blockedHosts);
    this.categoryLimits = Map.copyOf(categoryLimits);
  }

  /** Category limits and allocation modes by category name (empty: none). */
  public Map<String, CategoryLimitAmounts> categoryLimits() {
    return categoryLimits == null ? Map.of() : categoryLimits;
  }

  public Set<String> tags() {
    return tags;
  }

  public int minWorkers() {
    return minWorkers;
  }

  public int maxWorkers() {
    return maxWorkers;
  }

  public boolean preemptible() {
    return preemptible;
  }

  public int maxRetries() {
    return maxRetries;
  }

  /**
   * Resources every task of the session needs unless its batch or category says otherwise; null:
   * none.
   */
  public ResourceAmounts taskResources() {
    return taskResources;
  }

  public Map<String, ResourceAmounts> categories() {
    return categories;
  }

  public long maxTaskRunningNanos() {
    return maxTaskRunningNanos;
  }

  public double fastAbortMultiplier() {
    return fastAbortMultiplier;
  }

  public Set<String> blockedHosts() {
    return blockedHosts;
  }
}
