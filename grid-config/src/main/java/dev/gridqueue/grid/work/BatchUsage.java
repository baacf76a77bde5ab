package dev.gridqueue.grid.work;

import java.io.Serializable;

/**
 * What the tasks of one run of a batch used, summed up for the scheduler's category history: how
 * many were measured, the largest memory (MB; allocated MB for Java handlers), sandbox disk (MB)
 * and cores (CPU time / wall time, rounded up) among them, and how many were stopped for using more
 * than they were allocated. A plain class: it crosses JVMs through Ignite's binary marshaller.
 */
public final class BatchUsage implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final BatchUsage NONE = new BatchUsage(0, 0, 0, 0, 0);

  private final int measured;
  private final long memoryMb;
  private final long diskMb;
  private final int cores;
  private final int exhausted;

  public BatchUsage(int measured, long memoryMb, long diskMb, int cores, int exhausted) {
    this.measured = measured;
    this.memoryMb = memoryMb;
    this.diskMb = diskMb;
    this.cores = cores;
    this.exhausted = exhausted;
  }

  public int measured() {
    return measured;
  }

  public long memoryMb() {
    return memoryMb;
  }

  public long diskMb() {
    return diskMb;
  }

  public int cores() {
    return cores;
  }

  public int exhausted() {
    return exhausted;
  }
}
