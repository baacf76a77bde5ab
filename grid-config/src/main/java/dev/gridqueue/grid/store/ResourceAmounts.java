package dev.gridqueue.grid.store;

import java.io.Serializable;

/**
 * Cores, memory, disk and gpus (Work Queue's names): what a batch needs or a worker offers. A field
 * at 0 means none of that resource. Immutable.
 */
public final class ResourceAmounts implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final ResourceAmounts NONE = new ResourceAmounts(0, 0, 0, 0);

  private final int cores;
  private final long memoryMb;
  private final long diskMb;
  private final int gpus;

  public ResourceAmounts(int cores, long memoryMb, long diskMb, int gpus) {
    if (cores < 0 || memoryMb < 0 || diskMb < 0 || gpus < 0) {
      throw new IllegalArgumentException("resources must not be negative");
    }
    this.cores = cores;
    this.memoryMb = memoryMb;
    this.diskMb = diskMb;
    this.gpus = gpus;
  }

  public int cores() {
    return cores;
  }

  public long memoryMb() {
    return memoryMb;
  }

  public long diskMb() {
    return diskMb;
  }

  public int gpus() {
    return gpus;
  }

  /** Whether nothing is declared. */
  public boolean isNone() {
    return cores == 0 && memoryMb == 0 && diskMb == 0 && gpus == 0;
  }

  /** Whether {@code need} fits in this amount. */
  public boolean covers(ResourceAmounts need) {
    return need.cores <= cores
        && need.memoryMb <= memoryMb
        && need.diskMb <= diskMb
        && need.gpus <= gpus;
  }

  public ResourceAmounts plus(ResourceAmounts other) {
    return new ResourceAmounts(
        cores + other.cores, memoryMb + other.memoryMb, diskMb + other.diskMb, gpus + other.gpus);
  }

  public ResourceAmounts minus(ResourceAmounts other) {
    return new ResourceAmounts(
        Math.max(0, cores - other.cores),
        Math.max(0, memoryMb - other.memoryMb),
        Math.max(0, diskMb - other.diskMb),
        Math.max(0, gpus - other.gpus));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResourceAmounts r
        && r.cores == cores
        && r.memoryMb == memoryMb
        && r.diskMb == diskMb
        && r.gpus == gpus;
  }

  @Override
  public int hashCode() {
    return (int) (cores * 31L * 31 * 31 + memoryMb * 31 * 31 + diskMb * 31 + gpus);
  }

  @Override
  public String toString() {
    return "cores=" + cores + " memory=" + memoryMb + "MB disk=" + diskMb + "MB gpus=" + gpus;
  }
}
