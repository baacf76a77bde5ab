package dev.gridqueue.worker.internal;

import dev.gridqueue.grid.work.BatchUsage;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.ResourceUsage;
import dev.gridqueue.worker.internal.command.ResourceWatch;
import java.util.List;

/** Sums up what a batch's tasks used for the scheduler's category history ({@link BatchUsage}). */
final class UsageSummary {
  private static final long MB = 1024 * 1024;

  private UsageSummary() {}

  /** The peaks over the results that carry a measurement. */
  static BatchUsage of(List<Message> results) {
    int measured = 0;
    int exhausted = 0;
    long memory = 0;
    long disk = 0;
    double cores = 0;
    for (int i = 0; i < results.size(); i++) {
      Message m = results.get(i);
      if (!m.hasRun() || !m.getRun().hasUsage()) {
        continue;
      }
      ResourceUsage u = m.getRun().getUsage();
      measured++;
      memory = Math.max(memory, u.getMemoryPeakBytes());
      disk = Math.max(disk, u.getDiskPeakBytes());
      cores = Math.max(cores, coresOf(u));
      if (ResourceWatch.exceededAllocation(m)) {
        exhausted++;
      }
    }
    return new BatchUsage(measured, mb(memory), mb(disk), (int) Math.ceil(cores), exhausted);
  }

  /** One task's usage; {@code exhausted}: it went past its allocation. */
  static BatchUsage of(ResourceUsage u, boolean exhausted) {
    return new BatchUsage(
        1,
        mb(u.getMemoryPeakBytes()),
        mb(u.getDiskPeakBytes()),
        (int) Math.ceil(coresOf(u)),
        exhausted ? 1 : 0);
  }

  /** Cores used: as measured for a command, from CPU and wall time for a handler. */
  private static double coresOf(ResourceUsage u) {
    if (u.getCores() > 0 || u.getWallTimeUs() == 0) {
      return u.getCores();
    }
    return (double) u.getCpuTimeUs() / u.getWallTimeUs();
  }

  private static long mb(long bytes) {
    return (bytes + MB - 1) / MB;
  }
}
