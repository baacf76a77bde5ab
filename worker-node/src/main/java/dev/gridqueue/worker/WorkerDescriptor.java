package dev.gridqueue.worker;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.ignite.cluster.ClusterNode;

/**
 * A worker as the scheduler sees it: the grid node it runs on and what it serves. JVM workers
 * advertise it through Ignite node attributes, read back with {@link #of(ClusterNode)}.
 */
public final class WorkerDescriptor {
  static final String ATTR_WORKER_ID = "gridqueue.worker.id";
  static final String ATTR_SLOTS = "gridqueue.worker.slots";
  static final String ATTR_APPS = "gridqueue.worker.apps";
  static final String ATTR_TAGS = "gridqueue.worker.tags";

  private final String workerId;
  private final UUID nodeId;
  private final int slots;
  private final Set<String> apps;
  private final Set<String> tags;

  public WorkerDescriptor(String workerId, UUID nodeId, int slots, Set<String> apps, Set<String> tags) {
    this.workerId = workerId;
    this.nodeId = nodeId;
    this.slots = slots;
    this.apps = Set.copyOf(apps);
    this.tags = Set.copyOf(tags);
  }

  /** The node attributes that advertise a worker with these options serving these apps. */
  public static Map<String, Object> attributes(WorkerOptions options, Set<String> apps) {
    Map<String, Object> attrs = new HashMap<>();
    attrs.put(ATTR_WORKER_ID, options.workerId());
    attrs.put(ATTR_SLOTS, options.slots());
    attrs.put(ATTR_APPS, String.join(",", apps));
    attrs.put(ATTR_TAGS, String.join(",", options.tags()));
    return attrs;
  }

  /** The worker a grid node hosts, if it hosts one. */
  public static Optional<WorkerDescriptor> of(ClusterNode node) {
    String workerId = node.attribute(ATTR_WORKER_ID);
    if (workerId == null) {
      return Optional.empty();
    }
    Integer slots = node.attribute(ATTR_SLOTS);
    return Optional.of(
        new WorkerDescriptor(
            workerId,
            node.id(),
            slots != null ? slots : 1,
            splitCsv(node.attribute(ATTR_APPS)),
            splitCsv(node.attribute(ATTR_TAGS))));
  }

  private static Set<String> splitCsv(String csv) {
    if (csv == null || csv.isEmpty()) {
      return Set.of();
    }
    return Arrays.stream(csv.split(",")).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
  }

  public String workerId() {
    return workerId;
  }

  public UUID nodeId() {
    return nodeId;
  }

  public int slots() {
    return slots;
  }

  public Set<String> apps() {
    return apps;
  }

  public Set<String> tags() {
    return tags;
  }

  public boolean serves(String appId) {
    return apps.contains(appId);
  }

  @Override
  public String toString() {
    return workerId + "@" + nodeId + " slots=" + slots + " apps=" + apps;
  }
}
