package dev.gridqueue.grid.work;

import java.util.concurrent.CompletableFuture;

/**
 * Runs assigned batches on a grid node: the JVM worker of a worker node, or the hub of the polyglot
 * workers attached to a grid server. Installed on the node with {@link BatchExecutors#install}; the
 * scheduler reaches it with a {@link RunBatchJob}.
 */
public interface BatchExecutor {
  /** Runs the batch (reading its tasks, writing its results) and reports what became of it. */
  CompletableFuture<JobReport> execute(BatchAssignment assignment);
}
