package dev.gridqueue.grid.store;

/**
 * The scheduler's cumulative counters beyond tasks ended ({@link TaskCounters}), under Work Queue's
 * names: what the grid did since it started, carried over a scheduler's move by the counter
 * checkpoint. The order is the order of {@link TaskCounters#counts()}; add new counters at the end.
 */
public enum GridCounter {
  /** Tasks accepted into the grid (counted when the scheduler first queues their batch). */
  TASKS_SUBMITTED,
  /** Tasks sent to workers, every attempt counted. */
  TASKS_DISPATCHED,
  /** Tasks queued again after their worker was lost, their job failed or was fast-aborted. */
  TASKS_RETRIED,
  /** Bytes of batches workers read to run them (the tasks sent to workers). */
  BYTES_SENT,
  /** Bytes of results and dead letters workers wrote (received from workers). */
  BYTES_RECEIVED,
  /** Nanoseconds workers spent reading their batches from the grid. */
  TIME_SEND_NANOS,
  /** Nanoseconds workers spent writing results to the grid. */
  TIME_RECEIVE_NANOS,
  /** Nanoseconds workers spent running tasks (batches that ran to their end). */
  TIME_WORKERS_EXECUTE_NANOS,
  /** Workers that joined. */
  WORKERS_JOINED,
  /** Workers that left, for any reason (lost ones included). */
  WORKERS_REMOVED,
  /** Workers whose node failed (crashed, hung, cut off) rather than leaving cleanly. */
  WORKERS_LOST,
  /** Batches stopped on a worker for running too long (fast abort). */
  WORKERS_FAST_ABORTED,
  /** Workers blocklisted for a session after repeated fast aborts. */
  WORKERS_BLOCKLISTED;

  /** How many counters there are: the length of a counts array. */
  public static final int COUNT = values().length;
}
