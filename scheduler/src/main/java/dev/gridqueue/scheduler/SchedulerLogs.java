package dev.gridqueue.scheduler;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.ignite.cluster.ClusterNode;

/**
 * Where a grid server writes the scheduler's transactions log and stats log while it hosts the
 * scheduler (README, "Transactions and stats logs"). The scheduler is a cluster singleton that
 * moves when its node dies, so the paths are the node's own: they travel as node attributes, set
 * before the node joins, and the scheduler reads its host's. A node without them writes nothing.
 */
public final class SchedulerLogs {
  static final String ATTR_TRANSACTIONS = "gridqueue.scheduler.transactions-log";
  static final String ATTR_STATS = "gridqueue.scheduler.stats-log";

  private final Path transactions;
  private final Path stats;

  public SchedulerLogs(Path transactions, Path stats) {
    this.transactions = transactions;
    this.stats = stats;
  }

  /** The node attributes that carry these paths (none for a path not given). */
  public Map<String, Object> nodeAttributes() {
    Map<String, Object> attributes = new HashMap<>();
    if (transactions != null) {
      attributes.put(ATTR_TRANSACTIONS, transactions.toAbsolutePath().toString());
    }
    if (stats != null) {
      attributes.put(ATTR_STATS, stats.toAbsolutePath().toString());
    }
    return attributes;
  }

  /** The paths a node was started with. */
  public static SchedulerLogs of(ClusterNode node) {
    return new SchedulerLogs(path(node, ATTR_TRANSACTIONS), path(node, ATTR_STATS));
  }

  public Optional<Path> transactions() {
    return Optional.ofNullable(transactions);
  }

  public Optional<Path> stats() {
    return Optional.ofNullable(stats);
  }

  private static Path path(ClusterNode node, String attribute) {
    String value = node.attribute(attribute);
    return value == null ? null : Path.of(value);
  }
}
