package dev.gridqueue.grid.work;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.apache.ignite.Ignite;
import org.apache.ignite.compute.ComputeJobContext;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;
import org.apache.ignite.resources.JobContextResource;

/**
 * The scheduler's compute job: carries a {@link BatchAssignment} to the worker's grid node and
 * hands it to the node's {@link BatchExecutor} for the worker's kind. The batch data never passes
 * through the scheduler's node: the executor reads the tasks from the grid and writes the results
 * back. An executor that answers later (a polyglot worker) parks the job ({@code holdcc}) until it
 * does, without holding a thread.
 */
public final class RunBatchJob implements IgniteCallable<JobReport> {
  private static final long serialVersionUID = 1L;
  private static final long EXECUTOR_WAIT_SECONDS = 30;

  private final BatchAssignment assignment;
  private final String workerKind;

  @IgniteInstanceResource private transient Ignite ignite;
  @JobContextResource private transient ComputeJobContext jobContext;
  private transient volatile CompletableFuture<JobReport> running;

  public RunBatchJob(BatchAssignment assignment, String workerKind) {
    this.assignment = assignment;
    this.workerKind = workerKind;
  }

  @Override
  public JobReport call() throws Exception {
    CompletableFuture<JobReport> report = running;
    if (report == null) {
      // The node may be a moment away from installing its executor when the first job arrives.
      BatchExecutor executor =
          BatchExecutors.of(ignite, workerKind).get(EXECUTOR_WAIT_SECONDS, TimeUnit.SECONDS);
      report = executor.execute(assignment);
      if (!report.isDone()) {
        running = report;
        jobContext.holdcc();
        // Resumed on another thread: Ignite runs callcc's continuation on the calling thread,
        // which must not be this one while call() is still running.
        report.whenCompleteAsync((r, e) -> jobContext.callcc(), ForkJoinPool.commonPool());
        return null;
      }
    }
    try {
      return report.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
