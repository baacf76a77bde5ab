package dev.gridqueue.scheduler.polyglot;

import dev.gridqueue.worker.ExecuteBatchJob;
import java.util.concurrent.CompletableFuture;
import org.apache.ignite.Ignite;
import org.apache.ignite.compute.ComputeJobContext;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;
import org.apache.ignite.resources.JobContextResource;

/**
 * Runs on the grid node a polyglot worker is attached to: hands the batch to the worker over its
 * WorkerStream and reports like {@link ExecuteBatchJob}. The job does not hold a thread while
 * the worker computes: it suspends (holdcc) and is resumed (callcc) when the results arrive.
 */
public final class ForwardToRemoteWorkerJob implements IgniteCallable<ExecuteBatchJob.Report> {
  private static final long serialVersionUID = 1L;

  private final String batchKey;
  private final String workerId;
  private final int attempt;
  private final long bindGeneration;

  @IgniteInstanceResource private transient Ignite ignite;
  @JobContextResource private transient ComputeJobContext jobContext;
  private transient volatile CompletableFuture<ExecuteBatchJob.Report> pending;

  public ForwardToRemoteWorkerJob(String batchKey, String workerId, int attempt, long bindGeneration) {
    this.batchKey = batchKey;
    this.workerId = workerId;
    this.attempt = attempt;
    this.bindGeneration = bindGeneration;
  }

  @Override
  public ExecuteBatchJob.Report call() throws Exception {
    CompletableFuture<ExecuteBatchJob.Report> running = pending;
    if (running == null) {
      running = RemoteWorkerHub.of(ignite).forward(workerId, batchKey, attempt, bindGeneration);
      if (!running.isDone()) {
        pending = running;
        jobContext.holdcc();
        running.whenComplete((r, e) -> jobContext.callcc());
        return null;
      }
    }
    try {
      return running.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
