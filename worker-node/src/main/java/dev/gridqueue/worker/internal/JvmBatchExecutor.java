package dev.gridqueue.worker.internal;

import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.notice.DeliveryRoutes;
import dev.gridqueue.grid.store.BatchState;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.grid.work.BatchAssignment;
import dev.gridqueue.grid.work.BatchExecutor;
import dev.gridqueue.grid.work.JobReport;
import dev.gridqueue.grid.work.ResultWriter;
import dev.gridqueue.grid.work.RunOutcome;
import java.util.concurrent.CompletableFuture;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;

/**
 * Runs the batches dispatched to a JVM worker: reads the batch, runs it in one of the worker's
 * slots, writes the results and tells the node serving the session. Execution is at-least-once: a
 * batch already done or gone (delivered, session closed) is skipped, and results are written with
 * {@code replace}, which never resurrects a removed batch.
 *
 * <p>Runs on the job thread that called it. Only running takes a slot: the node has more job
 * threads than slots ({@link Slots}), so batches waiting on the grid (their read, their results'
 * backups) do not keep the slots idle.
 */
public final class JvmBatchExecutor implements BatchExecutor {
  private final IgniteCache<String, StoredBatch> batches;
  private final DeliveryRoutes routes;
  private final BatchRunner runner;
  private final Slots slots;
  private final UnboundSessions unbound;
  private final CancellationsView cancellations;
  private final SharedDataAccess sharedData;

  public JvmBatchExecutor(
      Ignite ignite,
      BatchRunner runner,
      Slots slots,
      UnboundSessions unbound,
      CancellationsView cancellations,
      SharedDataAccess sharedData) {
    this.batches = ignite.cache(CacheNames.BATCHES);
    this.routes = new DeliveryRoutes(ignite);
    this.runner = runner;
    this.slots = slots;
    this.unbound = unbound;
    this.cancellations = cancellations;
    this.sharedData = sharedData;
  }

  @Override
  public CompletableFuture<JobReport> execute(BatchAssignment a) {
    try {
      return CompletableFuture.completedFuture(run(a));
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private JobReport run(BatchAssignment a) throws Exception {
    long readStart = System.nanoTime();
    StoredBatch queued = batches.get(a.batchKey());
    long readNanos = System.nanoTime() - readStart;
    if (queued == null || queued.state() != BatchState.QUEUED) {
      return JobReport.SKIPPED; // done by an earlier run, delivered, or its session closed
    }
    RunOutcome outcome;
    try {
      // Checked in the slot, when the batch starts: an UNBIND or a cancel that came while the
      // batch waited for a slot still applies.
      outcome =
          slots.run(
              () -> {
                if (unbound.isUnbound(queued.sessionId(), a.bindGeneration())) {
                  return null;
                }
                RunLimits limits =
                    new RunLimits(
                        new LiveCancellations(() -> cancellations.of(queued.sessionId())),
                        a.maxTaskNanos(),
                        a.abortAfterNanos(),
                        a.allocation(),
                        a.retryAtMax());
                return runner.runCounted(
                    queued.sessionId(),
                    a.appId(),
                    queued.payload(),
                    a.attempt(),
                    sharedData,
                    limits);
              });
    } catch (FastAbortedException e) {
      return JobReport.FAST_ABORTED;
    } catch (AllocationExceededException e) {
      return JobReport.exhausted(e.getMessage(), UsageSummary.of(e.usage(), true));
    }
    if (outcome == null) {
      return JobReport.RETURNED;
    }
    long writeStart = System.nanoTime();
    ResultWriter.Written written =
        new ResultWriter(batches).write(a.batchKey(), queued, a.attempt(), outcome);
    long writeNanos = System.nanoTime() - writeStart;
    if (written == null) {
      return JobReport.SKIPPED;
    }
    written.announce(routes, a.deliverTo());
    return JobReport.ran(
            outcome.tasks(),
            outcome.failed(),
            outcome.cancelled(),
            outcome.runNanos(),
            UsageSummary.of(outcome.results()))
        .withTransfer(queued.payload().length, readNanos, written.bytes(), writeNanos);
  }
}
