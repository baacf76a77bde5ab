package dev.gridqueue.grid.store;

import dev.gridqueue.grid.work.WorkerDescriptor;
import java.io.Serializable;
import java.util.Set;
import java.util.UUID;

/**
 * A registered polyglot worker, as kept in {@link RemoteWorkerHub#CACHE}: the scheduler learns of
 * it from there (and finds it again when the scheduler moves). {@code nodeId} is the grid node its
 * WorkerUpdate stream is attached to.
 */
public final class RemoteWorkerRecord implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String workerId;
  private final UUID nodeId;
  private final int slots;
  private final String apps;
  private final String tags;
  private final ResourceAmounts resources;
  private final String host;

  public RemoteWorkerRecord(
      String workerId,
      UUID nodeId,
      int slots,
      Set<String> apps,
      Set<String> tags,
      ResourceAmounts resources,
      String host) {
    this.workerId = workerId;
    this.nodeId = nodeId;
    this.slots = slots;
    this.apps = String.join(",", apps);
    this.tags = String.join(",", tags);
    this.resources = resources;
    this.host = host;
  }

  public UUID nodeId() {
    return nodeId;
  }

  public WorkerDescriptor descriptor() {
    return new WorkerDescriptor(
        workerId, nodeId, slots, csv(apps), csv(tags), resources, host, WorkerDescriptor.KIND_GRPC);
  }

  private static Set<String> csv(String s) {
    return s.isEmpty() ? Set.of() : Set.of(s.split(","));
  }
}
