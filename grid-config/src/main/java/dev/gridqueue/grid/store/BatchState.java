package dev.gridqueue.grid.store;

/** Where an accepted batch stands. Delivered batches leave the cache. */
public enum BatchState {
  /** Waiting for, or running on, a worker. */
  QUEUED,
  /** Executed; its results wait for delivery to the session's client. */
  DONE,
  /** Tasks that ended without a result, waiting for the dead-letter stream (key "batch#dead"). */
  DEAD
}
