package dev.gridqueue.server.internal.polyglot;

import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.notice.GridTopics;
import dev.gridqueue.grid.notice.WorkerInstruction;
import dev.gridqueue.grid.store.BatchState;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.grid.work.BatchAbortedException;
import dev.gridqueue.grid.work.BatchAssignment;
import dev.gridqueue.grid.work.BatchExecutor;
import dev.gridqueue.grid.work.BatchExecutors;
import dev.gridqueue.grid.work.JobReport;
import dev.gridqueue.grid.work.WorkerDescriptor;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Instruction;
import dev.gridqueue.proto.v1.WorkerState;
import dev.gridqueue.server.security.Caller;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;

/**
 * The polyglot workers attached to this grid node (ALPCRUN.CH's worker protocol). A worker opens
 * WorkerUpdate, gets its id in the {@code workerid} header and announces what it serves; it is then
 * registered in {@link #CACHE}, where the scheduler finds it like any worker. BIND and UNBIND
 * instructions come from the scheduler (Ignite messaging) and go down WorkerUpdate; batches the
 * scheduler assigns reach this hub as the node's {@link BatchExecutor} for polyglot workers and go
 * down the session's WorkerStream; results come back up it and are written to the grid here.
 *
 * <p>This class routes (who may open what, which worker a batch or an instruction is for); a
 * worker's registration and instructions are {@link RemoteWorker}'s, its batches and results per
 * session {@link WorkerLane}'s, and how long it may hold a batch {@link BatchDeadlines}'.
 */
public final class RemoteWorkerHub implements BatchExecutor, AutoCloseable {
  /** Registered polyglot workers, keyed by worker id. */
  public static final String CACHE = CacheNames.REMOTE_WORKERS;

  private final Ignite ignite;
  private final Map<String, RemoteWorker> workers = new ConcurrentHashMap<>();
  private final BatchDeadlines deadlines;
  private final HubServices services;

  private RemoteWorkerHub(Ignite ignite, Executor blockingCalls, Duration batchDeadline) {
    this.ignite = ignite;
    this.deadlines = new BatchDeadlines(batchDeadline);
    this.services = new HubServices(ignite, blockingCalls, deadlines);
  }

  /**
   * Creates this node's hub, installs it as the node's executor of polyglot workers' batches, and
   * listens for instructions. {@code batchDeadline}: how long a worker may hold a batch of a
   * session that sets no {@code max_task_running_time} ({@link BatchDeadlines}).
   */
  public static RemoteWorkerHub install(
      Ignite ignite, Executor blockingCalls, Duration batchDeadline) {
    RemoteWorkerHub hub = new RemoteWorkerHub(ignite, blockingCalls, batchDeadline);
    ignite
        .message()
        .localListen(
            GridTopics.WORKER_INSTRUCTIONS,
            (node, msg) -> {
              hub.onInstruction((WorkerInstruction) msg);
              return true;
            });
    BatchExecutors.install(ignite, WorkerDescriptor.KIND_GRPC, hub);
    return hub;
  }

  /** The WorkerUpdate stream of a worker that just connected. */
  public StreamObserver<WorkerState> openUpdates(
      String workerId, ServerCallStreamObserver<Instruction> out, String peerHost, Caller caller) {
    RemoteWorker worker =
        new RemoteWorker(workerId, out, peerHost, caller, services, () -> workers.remove(workerId));
    workers.put(workerId, worker);
    out.setOnCancelHandler(() -> worker.gone("its WorkerUpdate stream was cancelled"));
    return worker.updates();
  }

  /**
   * The WorkerStream of a worker bound to a session. Only the key that registered the worker may
   * open it, and only for a session the scheduler has bound the worker to: otherwise anyone who
   * learnt a worker id could take that worker's batches.
   */
  public StreamObserver<Batch> openSessionStream(
      Caller caller, String workerId, String sessionId, ServerCallStreamObserver<Batch> out) {
    RemoteWorker worker = workers.get(workerId);
    if (worker != null && !worker.owner.equals(caller)) {
      out.onError(
          Status.PERMISSION_DENIED
              .withDescription(
                  "workerid '" + workerId + "' was registered by another key than " + caller)
              .asRuntimeException());
      return new IgnoredCall<>();
    }
    if (worker == null) {
      out.onError(
          Status.FAILED_PRECONDITION
              .withDescription(
                  "workerid '"
                      + workerId
                      + "' names no worker registered on this node: open WorkerUpdate first")
              .asRuntimeException());
      return new IgnoredCall<>();
    }
    if (sessionId.isEmpty()) {
      out.onError(
          Status.INVALID_ARGUMENT
              .withDescription("metadata sessionid must name the session the worker is bound to")
              .asRuntimeException());
      return new IgnoredCall<>();
    }
    if (!ignite.cache(CacheNames.SESSIONS).containsKey(sessionId)) { // replicated: a local read
      out.onError(
          Status.NOT_FOUND
              .withDescription("session " + sessionId + " not found (unknown or closed)")
              .asRuntimeException());
      return new IgnoredCall<>();
    }
    if (!worker.boundSessions.contains(sessionId)) {
      out.onError(
          Status.PERMISSION_DENIED
              .withDescription(
                  "worker "
                      + workerId
                      + " is not bound to session "
                      + sessionId
                      + ": open WorkerStream after BIND")
              .asRuntimeException());
      return new IgnoredCall<>();
    }
    return worker.lane(sessionId).attach(out);
  }

  /**
   * Whether a worker registered on this node by the key named {@code keyName} has been bound to
   * {@code sessionId} (it may then read the session's shared data).
   */
  public boolean serves(String keyName, String sessionId) {
    for (RemoteWorker w : workers.values()) {
      if (w.owner.name().equals(keyName) && w.boundSessions.contains(sessionId)) {
        return true;
      }
    }
    return false;
  }

  /** Hands a batch to its worker; completes with the job's report when its results are stored. */
  @Override
  public CompletableFuture<JobReport> execute(BatchAssignment a) {
    RemoteWorker worker = workers.get(a.workerId());
    if (worker == null) {
      return CompletableFuture.failedFuture(
          new BatchAbortedException("polyglot worker " + a.workerId() + " is gone"));
    }
    IgniteCache<String, StoredBatch> batches = ignite.cache(CacheNames.BATCHES);
    StoredBatch queued = batches.get(a.batchKey());
    if (queued == null || queued.state() != BatchState.QUEUED) {
      return CompletableFuture.completedFuture(JobReport.SKIPPED);
    }
    return worker
        .lane(queued.sessionId())
        .submit(a.batchKey(), queued, a.attempt(), a.bindGeneration(), a.maxTaskNanos());
  }

  @Override
  public void close() {
    deadlines.close();
  }

  private void onInstruction(WorkerInstruction m) {
    RemoteWorker worker = workers.get(m.workerId());
    if (worker == null) {
      return;
    }
    if (m.bind()) {
      worker.boundSessions.add(m.sessionId()); // before BIND reaches the worker, which then opens
    }
    worker.send(
        Instruction.newBuilder()
            .setType(m.bind() ? Instruction.Type.BIND : Instruction.Type.UNBIND)
            .setSessionId(m.sessionId())
            .setAppId(m.appId())
            .build());
    if (!m.bind()) {
      worker.lane(m.sessionId()).unbind(m.generation(), m.returnUnstarted());
    }
  }
}
