package dev.gridqueue.server.internal.gateway;

import static dev.gridqueue.grid.errors.FieldChecks.uint32;
import static dev.gridqueue.grid.errors.FieldChecks.uint64;

import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.proto.v1.Resources;

/**
 * The range of every {@code Resources} field, wherever one arrives (session, category, batch,
 * polyglot worker): at most what any worker could have ({@link ContractLimits}), so sums of
 * resources never overflow and a need is never read negative.
 */
public final class ResourceRules {
  private ResourceRules() {}

  /** Refuses {@code r} (named {@code field}) if any amount is out of range. */
  public static void check(String field, Resources r) {
    uint32(field + ".cores", r.getCores(), 0, ContractLimits.RESOURCE_CORES_MAX);
    uint64(field + ".memory_mb", r.getMemoryMb(), ContractLimits.RESOURCE_MEMORY_MB_MAX);
    uint64(field + ".disk_mb", r.getDiskMb(), ContractLimits.RESOURCE_DISK_MB_MAX);
    uint32(field + ".gpus", r.getGpus(), 0, ContractLimits.RESOURCE_GPUS_MAX);
  }
}
