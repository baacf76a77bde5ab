package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.notice.DeliveryRoutes;
import dev.gridqueue.grid.notice.GridTopics;
import dev.gridqueue.grid.notice.WorkerInstruction;
import dev.gridqueue.grid.store.BatchState;
import dev.gridqueue.grid.work.BatchAbortedException;
import dev.gridqueue.grid.work.BatchAssignment;
import dev.gridqueue.grid.work.BatchDeadlineException;
import dev.gridqueue.grid.work.JobReport;
import dev.gridqueue.grid.work.ResultWriter;
import dev.gridqueue.grid.work.RunBatchJob;
import dev.gridqueue.grid.work.WorkerDescriptor;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCompute;
import org.apache.ignite.cluster.ClusterTopologyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends assigned batches to their workers' nodes with Ignite compute and reports each job's end
 * back to the scheduling loop. Never blocks: completions arrive on Ignite's callback threads.
 */
final class Dispatcher implements SchedulingLoop.Decisions {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private final Ignite ignite;
  private final SchedulingLoop loop;
  private final Map<UUID, IgniteCompute> computeByNode = new ConcurrentHashMap<>();
  private final DeliveryRoutes routes;

  Dispatcher(Ignite ignite, SchedulingLoop loop) {
    this.ignite = ignite;
    this.loop = loop;
    this.routes = new DeliveryRoutes(ignite);
  }

  @Override
  public void dispatch(Assignment a) {
    IgniteCompute compute =
        computeByNode.computeIfAbsent(
            a.nodeId(), id -> ignite.compute(ignite.cluster().forNodeId(id)).withNoFailover());
    try {
      BatchAssignment assignment =
          new BatchAssignment(
              a.batchKey(),
              a.appId(),
              a.workerId(),
              a.attempt(),
              a.bindGeneration(),
              a.maxTaskNanos(),
              a.abortAfterNanos(),
              // Where the results go: the scheduler reads its own copy, the worker need not ask.
              routes.attachedNodeLocally(a.sessionId(), BatchState.DONE),
              a.allocation(),
              a.retryAtMax());
      compute
          .callAsync(new RunBatchJob(assignment, a.workerKind()))
          .listen(done -> onJobEnd(a, done::get));
    } catch (RuntimeException e) {
      onJobEnd(
          a,
          () -> {
            throw e;
          });
    }
  }

  void forgetNode(UUID nodeId) {
    computeByNode.remove(nodeId);
  }

  private void onJobEnd(Assignment a, JobResult result) {
    try {
      JobReport report = (JobReport) result.get();
      if (report.returned()) {
        loop.post(state -> state.returnedUnstarted(a.batchKey(), a.workerId()));
      } else if (report.fastAborted()) {
        LOG.info(
            "batch {} fast-aborted on worker {}; retried elsewhere", a.batchKey(), a.workerId());
        loop.post(
            state ->
                state.requeue(
                    a.batchKey(), a.workerId(), SchedulerState.Loss.FAST_ABORTED, "fast abort"));
      } else if (report.exhausted() != null) {
        LOG.info(
            "batch {} ran out of its allocation on worker {} ({}); runs again at its category's"
                + " maximum",
            a.batchKey(),
            a.workerId(),
            report.exhausted());
        loop.post(
            state ->
                state.exhausted(a.batchKey(), a.workerId(), report.exhausted(), report.usage()));
      } else {
        SchedulerState.Outcome outcome =
            new SchedulerState.Outcome(
                report.tasks(),
                report.failed(),
                report.cancelled(),
                report.runNanos(),
                report.usage(),
                report.bytesRead(),
                report.readNanos(),
                report.bytesWritten(),
                report.writeNanos());
        loop.post(state -> state.finished(a.batchKey(), a.workerId(), outcome));
      }
    } catch (Exception e) {
      String held = heldPastDeadline(e);
      if (held != null) {
        LOG.warn(
            "batch {} taken back from worker {}; retried elsewhere: {}",
            a.batchKey(),
            a.workerId(),
            held);
        loop.post(
            state ->
                state.requeue(
                    a.batchKey(), a.workerId(), SchedulerState.Loss.HELD_PAST_DEADLINE, held));
        return;
      }
      if (!workerWentAway(e)) {
        LOG.warn("batch {} failed on worker {}: {}", a.batchKey(), a.workerId(), e.toString());
        loop.post(
            state ->
                state.requeue(
                    a.batchKey(), a.workerId(), SchedulerState.Loss.JOB_FAILED, e.toString()));
        return;
      }
      LOG.info("worker {} left while running batch {}; re-queued", a.workerId(), a.batchKey());
      if (ignite.cluster().node(a.nodeId()) == null) {
        // Its node is gone: its workers go too, before the node's departure event is handled.
        loop.post(state -> state.lostWithNode(a.batchKey(), a.workerId(), a.nodeId()));
        return;
      }
      loop.post(
          state ->
              state.requeue(
                  a.batchKey(), a.workerId(), SchedulerState.Loss.WORKER_LOST, "its worker left"));
    }
  }

  /** Why the worker lost the batch at its deadline ({@link BatchDeadlineException}); null: not. */
  private static String heldPastDeadline(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof BatchDeadlineException) {
        return t.getMessage();
      }
    }
    return null;
  }

  /**
   * Whether the job ended because its worker is gone or going: the node left, or the job was
   * interrupted on a stopping node ({@link BatchAbortedException} from the worker).
   */
  private static boolean workerWentAway(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof ClusterTopologyException || t instanceof BatchAbortedException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void instruct(Instruction instruction) {
    // A JVM worker only needs to hear of an UNBIND that hands its unstarted batches back; a
    // polyglot worker's grid node tells it every BIND and UNBIND.
    boolean polyglot = WorkerDescriptor.KIND_GRPC.equals(instruction.workerKind());
    if (!polyglot && (instruction.bind() || !instruction.returnUnstarted())) {
      return;
    }
    try {
      ignite
          .message(ignite.cluster().forNodeId(instruction.nodeId()))
          .send(
              GridTopics.WORKER_INSTRUCTIONS,
              new WorkerInstruction(
                  instruction.workerId(),
                  instruction.bind(),
                  instruction.sessionId(),
                  instruction.appId(),
                  instruction.generation(),
                  instruction.returnUnstarted()));
    } catch (RuntimeException e) {
      LOG.debug(
          "instruction to worker {} not sent (node gone?): {}",
          instruction.workerId(),
          e.toString());
    }
  }

  /** Ends a batch the scheduler gave up on: every task goes to dead letters with the reason. */
  @Override
  public void deadLetter(SchedulerState.GivenUp givenUp) {
    LOG.warn("giving up on batch {}: {}", givenUp.batchKey(), givenUp.reason());
    // Off the loop: the writes wait for the grid's copies.
    ignite
        .scheduler()
        .runLocal(
            () -> {
              try {
                ResultWriter.Written written =
                    new ResultWriter(ignite.cache(CacheNames.BATCHES))
                        .writeGivenUp(givenUp.batchKey(), givenUp.attempts(), givenUp.reason());
                if (written != null) {
                  written.announce(routes, null);
                }
              } catch (RuntimeException e) {
                LOG.error("could not dead-letter batch {}", givenUp.batchKey(), e);
              }
            });
  }

  @FunctionalInterface
  private interface JobResult {
    Object get() throws Exception;
  }
}
