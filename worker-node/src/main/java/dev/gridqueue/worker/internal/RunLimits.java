package dev.gridqueue.worker.internal;

import dev.gridqueue.grid.store.CancelSet;

/**
 * What bounds a batch's run: its session's cancellations (checked before each task), the longest
 * a task may run (0: no limit) and the longest the whole batch may run before it is fast-aborted
 * (0: no limit).
 */
public record RunLimits(CancelSet cancellations, long maxTaskNanos, long abortAfterNanos) {
  public static final RunLimits NONE = new RunLimits(CancelSet.EMPTY, 0, 0);
}
