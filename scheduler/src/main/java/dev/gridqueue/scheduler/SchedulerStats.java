package dev.gridqueue.scheduler;

/** What the scheduler singleton answers through an Ignite service proxy, from any grid node. */
public interface SchedulerStats {
  /**
   * The scheduler's figures, with a line for every session or only for {@code sessionId} (null:
   * all).
   */
  GridFigures figures(String sessionId);
}
