package dev.gridqueue.scheduler;

import dev.gridqueue.scheduler.internal.SchedulerService;
import org.apache.ignite.Ignite;

/**
 * The scheduler as the rest of the grid sees it: an Ignite cluster singleton that every grid server
 * offers to host, and whose figures any node can ask for.
 */
public final class Scheduler {
  /** How long a node waits for the scheduler's figures before giving up. */
  private static final long STATS_TIMEOUT_MILLIS = 5_000;

  private Scheduler() {}

  /**
   * Offers {@code ignite}'s server node as a host of the scheduler (Ignite runs one, on the
   * oldest).
   */
  public static void deploy(Ignite ignite) {
    ignite.services().deployClusterSingleton(SchedulerService.NAME, new SchedulerService());
  }

  /** The running scheduler's figures, wherever it runs. */
  public static SchedulerStats stats(Ignite ignite) {
    return ignite
        .services()
        .serviceProxy(SchedulerService.NAME, SchedulerStats.class, false, STATS_TIMEOUT_MILLIS);
  }
}
