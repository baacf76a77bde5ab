package dev.gridqueue.grid.work;

import dev.gridqueue.grid.store.ResourceAmounts;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.ignite.cluster.ClusterNode;

/**
 * A worker as the scheduler sees it: the grid node it runs on (for a polyglot gRPC worker: the grid
 * node its stream is attached to), what it serves and what it offers. JVM workers advertise it
 * through Ignite node attributes, read back with {@link #of(ClusterNode)}.
 */
public final class WorkerDescriptor {
  static final String ATTR_WORKER_ID = "gridqueue.worker.id";
  static final String ATTR_SLOTS = "gridqueue.worker.slots";
  public static final String ATTR_APPS = "gridqueue.worker.apps";
  static final String ATTR_TAGS = "gridqueue.worker.tags";
  static final String ATTR_RESOURCES = "gridqueue.worker.resources";
  static final String ATTR_MACHINE = "gridqueue.worker.machine";

  /** A worker node (Ignite client JVM, or the local worker inside a grid server). */
  public static final String KIND_JVM = "jvm";

  /** A polyglot worker on the WorkerUpdate / WorkerStream gRPC protocol. */
  public static final String KIND_GRPC = "grpc";

  private final String workerId;
  private final UUID nodeId;
  private final int slots;
  private final Set<String> apps;
  private final Set<String> tags;
  private final ResourceAmounts resources;
  private final String host;
  private final String kind;

  /** A JVM worker offering one core per slot and nothing else (tests). */
  public WorkerDescriptor(
      String workerId, UUID nodeId, int slots, Set<String> apps, Set<String> tags) {
    this(
        workerId,
        nodeId,
        slots,
        apps,
        tags,
        new ResourceAmounts(slots, 0, 0, 0),
        "localhost",
        KIND_JVM);
  }

  public WorkerDescriptor(
      String workerId,
      UUID nodeId,
      int slots,
      Set<String> apps,
      Set<String> tags,
      ResourceAmounts resources,
      String host,
      String kind) {
    this.workerId = workerId;
    this.nodeId = nodeId;
    this.slots = slots;
    this.apps = Set.copyOf(apps);
    this.tags = Set.copyOf(tags);
    this.resources = resources;
    this.host = host;
    this.kind = kind;
  }

  /** The node attributes that advertise a JVM worker; set on its node before it starts. */
  public static Map<String, Object> attributes(
      String workerId, int slots, Set<String> apps, Set<String> tags, ResourceAmounts r) {
    Map<String, Object> attrs = new HashMap<>();
    attrs.put(ATTR_WORKER_ID, workerId);
    attrs.put(ATTR_SLOTS, slots);
    attrs.put(ATTR_APPS, String.join(",", apps));
    attrs.put(ATTR_TAGS, String.join(",", tags));
    attrs.put(ATTR_RESOURCES, r.cores() + "," + r.memoryMb() + "," + r.diskMb() + "," + r.gpus());
    attrs.put(ATTR_MACHINE, machineName());
    return attrs;
  }

  /**
   * The name of the machine this JVM runs on: what a JVM worker puts in its results ({@code
   * TaskRun.host}) and the first of the names its {@link #host()} lists, so a host taken from a
   * result can be blocked.
   */
  public static String machineName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }

  /** The worker a grid node hosts, if it hosts one. */
  public static Optional<WorkerDescriptor> of(ClusterNode node) {
    String workerId = node.attribute(ATTR_WORKER_ID);
    if (workerId == null) {
      return Optional.empty();
    }
    Integer slots = node.attribute(ATTR_SLOTS);
    int slotCount = slots != null ? slots : 1;
    return Optional.of(
        new WorkerDescriptor(
            workerId,
            node.id(),
            slotCount,
            splitCsv(node.attribute(ATTR_APPS)),
            splitCsv(node.attribute(ATTR_TAGS)),
            parseResources(node.attribute(ATTR_RESOURCES), slotCount),
            hostOf(node),
            KIND_JVM));
  }

  /**
   * The worker's machine name, then the node's host names and addresses, comma-separated (a
   * blocklist may name any). Ignite's host names need not include the machine name the worker's
   * results carry: without it, blocking the host a result named could block nothing.
   */
  private static String hostOf(ClusterNode node) {
    java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
    String machine = node.attribute(ATTR_MACHINE);
    if (machine != null) {
      names.add(machine);
    }
    names.addAll(node.hostNames());
    names.addAll(node.addresses());
    names.remove("");
    return String.join(",", names);
  }

  private static ResourceAmounts parseResources(String csv, int slots) {
    if (csv == null) {
      return new ResourceAmounts(slots, 0, 0, 0);
    }
    String[] f = csv.split(",");
    return new ResourceAmounts(
        Integer.parseInt(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Integer.parseInt(f[3]));
  }

  /** What the worker offers batches that declare resources. */
  public ResourceAmounts resources() {
    return resources;
  }

  /** Host name (or addresses) of the machine the worker runs on, for blocklists. */
  public String host() {
    return host;
  }

  /** {@link #KIND_JVM} or {@link #KIND_GRPC}. */
  public String kind() {
    return kind;
  }

  /** Whether {@code blocked} names this worker's host (a host name or one of its addresses). */
  public boolean onHost(Set<String> blocked) {
    if (blocked.isEmpty()) {
      return false;
    }
    for (String h : host.split(",")) {
      if (blocked.contains(h)) {
        return true;
      }
    }
    return false;
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
