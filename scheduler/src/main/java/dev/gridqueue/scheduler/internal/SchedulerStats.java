package dev.gridqueue.scheduler.internal;

/** What the scheduler singleton answers through an Ignite service proxy, from any grid node. */
public interface SchedulerStats {
  /**
   * A snapshot of the scheduler's figures: a serialized {@code gridqueue.v1.Stats} without
   * {@code grid_nodes}, for every session or only {@code sessionId} (null: all).
   */
  byte[] snapshot(String sessionId);
}
