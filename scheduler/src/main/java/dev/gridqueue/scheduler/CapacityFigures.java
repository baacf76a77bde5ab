package dev.gridqueue.scheduler;

import java.io.Serializable;

/**
 * Work Queue's capacity estimates, computed the way Work Queue computes them from the last {@code
 * 50} reports: how many batches running at once the grid can keep fed before moving batches and
 * results (the workers' reads and writes) and its own overhead (dispatch to report, less running
 * and moving) take as long as running them. One batch runs in one worker slot, so {@code tasks} is
 * counted in batches (slots); {@code cores}, {@code memoryMb}, {@code diskMb}, {@code gpus} are
 * that many batches' average needs (a batch declaring nothing counts its whole worker). Never below
 * Work Queue's default of 10. A plain class: it crosses JVMs through Ignite's binary marshaller.
 */
public final class CapacityFigures implements Serializable {
  private static final long serialVersionUID = 1L;

  public final long tasks;
  public final long cores;
  public final long memoryMb;
  public final long diskMb;
  public final long gpus;

  /** From the most recent report alone. */
  public final long instantaneous;

  /** Exponentially weighted (alpha 0.05) towards the most recent reports. */
  public final long weighted;

  public CapacityFigures(
      long tasks,
      long cores,
      long memoryMb,
      long diskMb,
      long gpus,
      long instantaneous,
      long weighted) {
    this.tasks = tasks;
    this.cores = cores;
    this.memoryMb = memoryMb;
    this.diskMb = diskMb;
    this.gpus = gpus;
    this.instantaneous = instantaneous;
    this.weighted = weighted;
  }
}
