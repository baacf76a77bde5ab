package dev.gridqueue.worker;

import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.notice.DeliveryRoutes;
import dev.gridqueue.grid.store.BatchState;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.worker.internal.BatchRunner;
import dev.gridqueue.worker.internal.FastAbortedException;
import dev.gridqueue.worker.internal.ResultWriter;
import dev.gridqueue.worker.internal.LiveCancellations;
import dev.gridqueue.worker.internal.RunLimits;
import java.util.concurrent.TimeUnit;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;

/**
 * Runs one queued batch on the worker node it is sent to. The job carries only the batch key: the
 * worker reads the tasks from the grid and writes the results back, so batch data never passes
 * through the scheduler's node.
 *
 * <p>Execution is at-least-once: a batch that is already done or gone (delivered, session closed)
 * is skipped, and results are written with {@code replace}, which never resurrects a removed batch.
 */
public final class ExecuteBatchJob implements IgniteCallable<ExecuteBatchJob.Report> {
  private static final long serialVersionUID = 1L;
  private static final long RUNTIME_WAIT_SECONDS = 30;

  /**
   * What became of the batch: whether it ran and stored results, and how its tasks ended. A plain
   * class, not a record: it crosses JVMs through Ignite's binary marshaller, which cannot fill a
   * record's fields (they would arrive as zeros).
   */
  public static final class Report implements java.io.Serializable {
    private static final long serialVersionUID = 2L;

    /** Not run: already done, delivered, or its session closed. */
    static final Report SKIPPED = new Report(false, 0, 0, 0, 0, false, false);
    /** Not started: the worker was unbound from the session; queue it again. */
    static final Report RETURNED = new Report(false, 0, 0, 0, 0, true, false);

    private final boolean ran;
    private final int tasks;
    private final int failed;
    private final int cancelled;
    private final long runNanos;
    private final boolean returned;
    private final boolean fastAborted;

    public Report(boolean ran, int tasks, int failed, int cancelled, long runNanos, boolean returned, boolean fastAborted) {
      this.ran = ran;
      this.tasks = tasks;
      this.failed = failed;
      this.cancelled = cancelled;
      this.runNanos = runNanos;
      this.returned = returned;
      this.fastAborted = fastAborted;
    }

    public boolean ran() {
      return ran;
    }

    public int tasks() {
      return tasks;
    }

    /** Tasks that failed (handler error, maximum running time): dead-lettered. */
    public int failed() {
      return failed;
    }

    /** Tasks skipped because the client cancelled them: dead-lettered. */
    public int cancelled() {
      return cancelled;
    }

    public long runNanos() {
      return runNanos;
    }

    /** Handed back unstarted (UNBIND). */
    public boolean returned() {
      return returned;
    }

    /** Stopped for running past its fast-abort limit; to run on another worker. */
    public boolean fastAborted() {
      return fastAborted;
    }
  }

  private final String batchKey;
  private final String appId;
  private final int attempt;
  private final long bindGeneration;
  private final long maxTaskNanos;
  private final long abortAfterNanos;
  /** The grid node serving the session's client when the batch was dispatched; null if none. */
  private final java.util.UUID deliverTo;

  @IgniteInstanceResource private transient Ignite ignite;

  public ExecuteBatchJob(
      String batchKey,
      String appId,
      int attempt,
      long bindGeneration,
      long maxTaskNanos,
      long abortAfterNanos,
      java.util.UUID deliverTo) {
    this.deliverTo = deliverTo;
    this.batchKey = batchKey;
    this.appId = appId;
    this.attempt = attempt;
    this.bindGeneration = bindGeneration;
    this.maxTaskNanos = maxTaskNanos;
    this.abortAfterNanos = abortAfterNanos;
  }

  /**
   * Reads the batch, runs it in one of the worker's slots, writes the results. Only running takes
   * a slot: the worker's node has more job threads than slots (see {@link WorkerRuntime#jobThreads}),
   * so batches waiting on the grid (their read, their results' backups) do not keep the slots idle.
   */
  @Override
  public Report call() throws Exception {
    // The node may be a moment away from installing its runtime when the first job arrives.
    WorkerRuntime runtime = WorkerRuntime.of(ignite).get(RUNTIME_WAIT_SECONDS, TimeUnit.SECONDS);
    IgniteCache<String, StoredBatch> batches = ignite.cache(CacheNames.BATCHES);
    StoredBatch queued = batches.get(batchKey);
    if (queued == null || queued.state() != BatchState.QUEUED) {
      return Report.SKIPPED; // done by an earlier run, delivered, or its session closed
    }
    BatchRunner.Outcome outcome;
    try {
      // Checked in the slot, when the batch starts: an UNBIND or a cancel that came while the
      // batch waited for a slot still applies.
      outcome = runtime.inSlot(() -> {
        if (runtime.isUnbound(queued.sessionId(), bindGeneration)) {
          return null;
        }
        RunLimits limits = new RunLimits(
            new LiveCancellations(() -> runtime.cancellations(queued.sessionId())), maxTaskNanos, abortAfterNanos);
        return runtime.runner().runCounted(queued.sessionId(), appId, queued.payload(), attempt, runtime.sharedData(), limits);
      });
    } catch (FastAbortedException e) {
      return new Report(false, 0, 0, 0, 0, false, true);
    }
    if (outcome == null) {
      return Report.RETURNED;
    }
    ResultWriter.Written written = new ResultWriter(batches).write(batchKey, queued, attempt, outcome);
    if (written == null) {
      return Report.SKIPPED;
    }
    written.announce(new DeliveryRoutes(ignite), deliverTo);
    return new Report(true, outcome.tasks(), outcome.failed(), outcome.cancelled(), outcome.runNanos(), false, false);
  }
}
