package dev.gridqueue.worker.internal;

import dev.gridqueue.grid.store.CancelSet;
import java.util.function.Supplier;

/**
 * What bounds a batch's run: its session's cancellations (checked before each task, so a cancel
 * that arrives while a long batch runs still stops the tasks it has not started), the longest a
 * task may run (0: no limit) and the longest the whole batch may run before it is fast-aborted (0:
 * no limit).
 */
public record RunLimits(
    Supplier<CancelSet> cancellations, long maxTaskNanos, long abortAfterNanos) {
  public static final RunLimits NONE = new RunLimits(() -> CancelSet.EMPTY, 0, 0);
}
