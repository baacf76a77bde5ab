package dev.gridqueue.worker.internal;

import dev.gridqueue.grid.store.CancelSet;
import dev.gridqueue.grid.store.ResourceAmounts;
import java.util.function.Supplier;

/**
 * What bounds a batch's run: its session's cancellations (checked before each task, so a cancel
 * that arrives while a long batch runs still stops the tasks it has not started), the longest a
 * task may run (0: no limit), the longest the whole batch may run before it is fast-aborted (0: no
 * limit), the memory and disk a command task may use ({@code allocation}, null: the whole worker),
 * and whether a command going past them stops the batch to run again with its category's maximum
 * ({@code retryAtMax}) rather than ending that task.
 */
public record RunLimits(
    Supplier<CancelSet> cancellations,
    long maxTaskNanos,
    long abortAfterNanos,
    ResourceAmounts allocation,
    boolean retryAtMax) {
  public static final RunLimits NONE = new RunLimits(() -> CancelSet.EMPTY, 0, 0);

  public RunLimits(Supplier<CancelSet> cancellations, long maxTaskNanos, long abortAfterNanos) {
    this(cancellations, maxTaskNanos, abortAfterNanos, null, false);
  }
}
