package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.store.BatchState;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.worker.ExecuteBatchJob;
import dev.gridqueue.worker.internal.BatchAbortedException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.IgniteCompute;
import org.apache.ignite.cluster.ClusterTopologyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends assigned batches to their workers' nodes with Ignite compute and reports each job's end
 * back to the scheduling loop. Never blocks: completions arrive on Ignite's callback threads.
 */
final class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private final Ignite ignite;
  private final SchedulingLoop loop;
  private final Map<UUID, IgniteCompute> computeByNode = new ConcurrentHashMap<>();

  Dispatcher(Ignite ignite, SchedulingLoop loop) {
    this.ignite = ignite;
    this.loop = loop;
  }

  void dispatch(Assignment a) {
    IgniteCompute compute =
        computeByNode.computeIfAbsent(
            a.nodeId(), id -> ignite.compute(ignite.cluster().forNodeId(id)).withNoFailover());
    try {
      compute
          .callAsync(new ExecuteBatchJob(a.batchKey(), a.appId(), a.attempt()))
          .listen(done -> onJobEnd(a, done::get));
    } catch (RuntimeException e) {
      onJobEnd(a, () -> {
        throw e;
      });
    }
  }

  void forgetNode(UUID nodeId) {
    computeByNode.remove(nodeId);
  }

  private void onJobEnd(Assignment a, JobResult result) {
    try {
      ExecuteBatchJob.Report report = (ExecuteBatchJob.Report) result.get();
      loop.post(state -> state.finished(a.batchKey(), a.workerId(), report.tasks(), report.failed()));
    } catch (Exception e) {
      if (!workerWentAway(e)) {
        LOG.warn("batch {} failed on worker {}: {}", a.batchKey(), a.workerId(), e.toString());
        loop.post(state -> state.requeue(a.batchKey(), a.workerId(), SchedulerState.Loss.JOB_FAILED, e.toString()));
        return;
      }
      LOG.info("worker {} left while running batch {}; re-queued", a.workerId(), a.batchKey());
      loop.post(state -> state.requeue(a.batchKey(), a.workerId(), SchedulerState.Loss.WORKER_LOST, "its worker left"));
    }
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

  /** Ends a batch the scheduler gave up on: every task gets a result carrying the reason. */
  void fail(SchedulerState.GivenUp givenUp) {
    LOG.warn("giving up on batch {}: {}", givenUp.batchKey(), givenUp.reason());
    failBatch(givenUp.batchKey(), givenUp.attempts(), givenUp.reason());
  }

  private void failBatch(String key, int attempts, String reason) {
    IgniteCache<String, StoredBatch> batches = ignite.cache(CacheNames.BATCHES);
    batches
        .getAsync(key)
        .listen(
            f -> {
              StoredBatch queued = f.get();
              if (queued == null || queued.state() != BatchState.QUEUED) {
                return;
              }
              try {
                Batch tasks = Batch.parseFrom(queued.payload());
                Batch.Builder results = Batch.newBuilder().setId(tasks.getId()).setSessionId(queued.sessionId());
                for (Message task : tasks.getMessagesList()) {
                  results.addMessages(
                      Message.newBuilder()
                          .setId(task.getId())
                          .setRelatedId(task.getId())
                          .setAttempts(attempts)
                          .setError(reason));
                }
                batches.replaceAsync(key, queued.done(attempts, results.build().toByteArray()));
              } catch (Exception e) {
                LOG.error("could not fail batch {}", key, e);
              }
            });
  }

  @FunctionalInterface
  private interface JobResult {
    Object get() throws Exception;
  }
}
