package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.scheduler.CapacityFigures;
import java.util.ArrayDeque;

/**
 * Work Queue's capacity estimate ({@code compute_capacity} in its manager), fed with one report per
 * batch that ran: running time, time its worker spent reading the batch and writing the results
 * (Work Queue's transfer time), and the grid's own time on it (dispatch to report, less the other
 * two: Work Queue's manager time). The ratio of running time to the rest, summed over the last
 * {@link #REPORTS} reports, is how many batches can run at once before the grid cannot keep them
 * fed; never below {@link #DEFAULT_TASKS}.
 */
final class Capacity {
  static final int REPORTS = 50;
  static final long DEFAULT_TASKS = 10;
  private static final double ALPHA = 0.05;

  private record Report(
      long execNanos, long transferNanos, long managerNanos, ResourceAmounts resources) {}

  private final ArrayDeque<Report> reports = new ArrayDeque<>();
  private long instantaneous = DEFAULT_TASKS;
  private double weighted = DEFAULT_TASKS;

  /** A batch ran; {@code resources} is what it occupied. */
  void report(long execNanos, long transferNanos, long wallNanos, ResourceAmounts resources) {
    long manager = Math.max(0, wallNanos - execNanos - transferNanos);
    Report r = new Report(execNanos, transferNanos, manager, resources);
    reports.addLast(r);
    if (reports.size() > REPORTS) {
      reports.removeFirst();
    }
    if (r.transferNanos + r.managerNanos > 0) {
      instantaneous = ceilDiv(r.execNanos, r.transferNanos + r.managerNanos);
      weighted = Math.ceil(ALPHA * instantaneous + (1 - ALPHA) * weighted);
    }
  }

  CapacityFigures figures() {
    long exec = 0;
    long rest = 0;
    long cores = 0;
    long memory = 0;
    long disk = 0;
    long gpus = 0;
    for (Report r : reports) {
      exec += r.execNanos;
      rest += r.transferNanos + r.managerNanos;
      cores += r.resources.cores();
      memory += r.resources.memoryMb();
      disk += r.resources.diskMb();
      gpus += r.resources.gpus();
    }
    int count = Math.max(1, reports.size());
    if (reports.isEmpty()) { // Work Queue's defaults before any report
      cores = 1;
      memory = 512;
      disk = 1024;
    }
    long ratio = Math.max(DEFAULT_TASKS, ceilDiv(Math.max(1, exec), Math.max(1, rest)));
    return new CapacityFigures(
        ratio,
        ceilDiv(cores * ratio, count),
        ceilDiv(memory * ratio, count),
        ceilDiv(disk * ratio, count),
        ceilDiv(gpus * ratio, count),
        instantaneous,
        (long) weighted);
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
