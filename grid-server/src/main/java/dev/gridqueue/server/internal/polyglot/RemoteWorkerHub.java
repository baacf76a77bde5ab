package dev.gridqueue.server.internal.polyglot;

import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.notice.DeliveryRoutes;
import dev.gridqueue.grid.notice.GridTopics;
import dev.gridqueue.grid.notice.WorkerInstruction;
import dev.gridqueue.grid.store.BatchState;
import dev.gridqueue.grid.store.CancelSet;
import dev.gridqueue.grid.store.RemoteWorkerRecord;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.grid.work.BatchAbortedException;
import dev.gridqueue.grid.work.BatchAssignment;
import dev.gridqueue.grid.work.BatchDeadlineException;
import dev.gridqueue.grid.work.BatchExecutor;
import dev.gridqueue.grid.work.BatchExecutors;
import dev.gridqueue.grid.work.JobReport;
import dev.gridqueue.grid.work.ResultWriter;
import dev.gridqueue.grid.work.RunOutcome;
import dev.gridqueue.grid.work.TaskErrors;
import dev.gridqueue.grid.work.WorkerDescriptor;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Instruction;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.WorkerState;
import dev.gridqueue.server.security.Caller;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The polyglot workers attached to this grid node (ALPCRUN.CH's worker protocol). A worker opens
 * WorkerUpdate, gets its id in the {@code workerid} header and announces what it serves; it is then
 * registered in {@link #CACHE}, where the scheduler finds it like any worker. BIND and UNBIND
 * instructions come from the scheduler (Ignite messaging) and go down WorkerUpdate; batches the
 * scheduler assigns reach this hub as the node's {@link BatchExecutor} for polyglot workers and go
 * down the session's WorkerStream; results come back up it and are written to the grid here.
 */
public final class RemoteWorkerHub implements BatchExecutor, AutoCloseable {
  /** Registered polyglot workers, keyed by worker id. */
  public static final String CACHE = CacheNames.REMOTE_WORKERS;

  private static final Logger LOG = LoggerFactory.getLogger(RemoteWorkerHub.class);

  private final Ignite ignite;
  private final Executor blockingCalls;
  private final Map<String, RemoteWorker> workers = new ConcurrentHashMap<>();
  private final BatchDeadlines deadlines;

  private RemoteWorkerHub(Ignite ignite, Executor blockingCalls, Duration batchDeadline) {
    this.ignite = ignite;
    this.blockingCalls = blockingCalls;
    this.deadlines = new BatchDeadlines(batchDeadline);
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
    RemoteWorker worker = new RemoteWorker(workerId, out, peerHost, caller);
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
      return new Ignore<>();
    }
    if (worker == null) {
      out.onError(
          Status.FAILED_PRECONDITION
              .withDescription(
                  "workerid '"
                      + workerId
                      + "' names no worker registered on this node: open WorkerUpdate first")
              .asRuntimeException());
      return new Ignore<>();
    }
    if (sessionId.isEmpty()) {
      out.onError(
          Status.INVALID_ARGUMENT
              .withDescription("metadata sessionid must name the session the worker is bound to")
              .asRuntimeException());
      return new Ignore<>();
    }
    if (!ignite.cache(CacheNames.SESSIONS).containsKey(sessionId)) { // replicated: a local read
      out.onError(
          Status.NOT_FOUND
              .withDescription("session " + sessionId + " not found (unknown or closed)")
              .asRuntimeException());
      return new Ignore<>();
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
      return new Ignore<>();
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

  /** One connected polyglot worker. */
  private final class RemoteWorker {
    final String id;
    final ServerCallStreamObserver<Instruction> out;
    final String host;

    /** Who registered the worker: only it may open the worker's WorkerStreams. */
    final Caller owner;

    /** Sessions the scheduler has bound this worker to (kept after UNBIND: no race with BIND). */
    final java.util.Set<String> boundSessions = ConcurrentHashMap.newKeySet();

    final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    volatile boolean registered;
    volatile boolean gone;

    RemoteWorker(String id, ServerCallStreamObserver<Instruction> out, String host, Caller owner) {
      this.id = id;
      this.owner = owner;
      this.out = out;
      this.host = host;
    }

    Lane lane(String sessionId) {
      return lanes.computeIfAbsent(sessionId, s -> new Lane(this, s));
    }

    synchronized void send(Instruction instruction) {
      if (!gone) {
        out.onNext(instruction);
      }
    }

    StreamObserver<WorkerState> updates() {
      return new StreamObserver<>() {
        @Override
        public void onNext(WorkerState state) {
          if (registered || gone) {
            return;
          }
          try {
            WorkerStateRules.check(state);
            register(state);
          } catch (RuntimeException e) {
            // On a network thread: nothing may escape. The worker learns why and is not registered.
            refuse(e);
          }
        }

        @Override
        public void onError(Throwable t) {
          gone("its WorkerUpdate stream failed: " + t);
        }

        @Override
        public void onCompleted() {
          gone("it closed its WorkerUpdate stream");
          synchronized (RemoteWorker.this) {
            out.onCompleted();
          }
        }
      };
    }

    private void register(WorkerState state) {
      registered = true;
      var r = state.getResources();
      int slots = Math.max(1, state.getSlots());
      RemoteWorkerRecord record =
          new RemoteWorkerRecord(
              id,
              ignite.cluster().localNode().id(),
              slots,
              new LinkedHashSet<>(state.getAppIdsList()),
              new LinkedHashSet<>(state.getTagsList()),
              dev.gridqueue.server.internal.gateway.WireResources.of(
                  r.getCores() > 0 ? r : r.toBuilder().setCores(slots).build()),
              host);
      blockingCalls.execute(
          () -> {
            ignite.cache(CACHE).put(id, record);
            LOG.info(
                "polyglot worker {} registered: apps {} tags {} from {}",
                id,
                state.getAppIdsList(),
                state.getTagsList(),
                host);
          });
    }

    /** Ends the WorkerUpdate call with the mapped status of {@code error}; the worker is gone. */
    private void refuse(RuntimeException error) {
      gone("its WorkerState was refused: " + error.getMessage());
      synchronized (this) {
        try {
          out.onError(dev.gridqueue.server.internal.gateway.GrpcErrorMapper.toStatus(error));
        } catch (RuntimeException e) {
          LOG.debug("refusing worker {}: {}", id, e.toString());
        }
      }
    }

    /** The worker is gone: unregister it and fail what it held (the scheduler re-queues it). */
    void gone(String why) {
      if (gone) {
        return;
      }
      gone = true;
      workers.remove(id);
      LOG.info("polyglot worker {} left: {}", id, why);
      blockingCalls.execute(() -> ignite.cache(CACHE).remove(id));
      lanes
          .values()
          .forEach(
              l -> l.fail(new BatchAbortedException("polyglot worker " + id + " left: " + why)));
    }
  }

  /** A batch sent (or waiting to be sent) to a worker. */
  private record Pending(
      String key,
      StoredBatch queued,
      int attempt,
      long generation,
      Batch tasks,
      Map<String, Message> cancelled,
      CompletableFuture<JobReport> done) {}

  /** A worker's traffic for one session: its WorkerStream and the batches on it. */
  private final class Lane {
    final RemoteWorker worker;
    final String sessionId;
    ServerCallStreamObserver<Batch> stream;
    final Queue<Pending> waiting = new ArrayDeque<>();
    final Map<String, Pending> sent = new HashMap<>();
    long unboundGeneration;
    boolean unbinding;

    Lane(RemoteWorker worker, String sessionId) {
      this.worker = worker;
      this.sessionId = sessionId;
    }

    CompletableFuture<JobReport> submit(
        String key, StoredBatch queued, int attempt, long generation, long maxTaskNanos) {
      CompletableFuture<JobReport> done = new CompletableFuture<>();
      Batch tasks;
      try {
        tasks = Batch.parseFrom(queued.payload());
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        return CompletableFuture.failedFuture(e);
      }
      CancelSet cancels = (CancelSet) ignite.cache(CacheNames.CANCELLATIONS).get(sessionId);
      Map<String, Message> cancelled = new HashMap<>();
      Batch.Builder toSend = tasks.toBuilder().clearMessages().setId(key).setSessionId(sessionId);
      for (Message task : tasks.getMessagesList()) {
        if (cancels != null && cancels.cancels(task.getId(), task.getTag())) {
          cancelled.put(
              task.getId(),
              Message.newBuilder()
                  .setId(task.getId())
                  .setRelatedId(task.getId())
                  .setAttempts(attempt)
                  .setError(TaskErrors.CANCELLED + " by the client")
                  .build());
        } else {
          toSend.addMessages(task);
        }
      }
      Pending p = new Pending(key, queued, attempt, generation, toSend.build(), cancelled, done);
      if (toSend.getMessagesCount() == 0) {
        complete(p, List.of());
        return done;
      }
      synchronized (this) {
        if (worker.gone) {
          return CompletableFuture.failedFuture(
              new BatchAbortedException("polyglot worker " + worker.id + " is gone"));
        }
        if (generation <= unboundGeneration) {
          return CompletableFuture.completedFuture(JobReport.RETURNED);
        }
        unbinding = false;
        if (stream != null) {
          sent.put(key, p);
          stream.onNext(p.tasks());
        } else {
          waiting.add(p);
        }
      }
      deadlines.watch(maxTaskNanos, p.tasks().getMessagesCount(), done, d -> expire(p, d));
      return done;
    }

    /**
     * The worker held {@code p} past its deadline: taken back (the scheduler runs it elsewhere, as
     * an attempt, and strikes the worker); a late answer finds it gone and is ignored.
     */
    private void expire(Pending p, Duration deadline) {
      boolean held;
      synchronized (this) {
        held = sent.remove(p.key(), p) || waiting.remove(p);
      }
      if (!held) {
        return;
      }
      p.done()
          .completeExceptionally(
              new BatchDeadlineException(
                  "polyglot worker "
                      + worker.id
                      + " held batch "
                      + p.key()
                      + " of session "
                      + sessionId
                      + " past its deadline ("
                      + deadline.toMillis()
                      + " ms) without answering"));
      closeIfDrained();
    }

    synchronized StreamObserver<Batch> attach(ServerCallStreamObserver<Batch> out) {
      if (stream != null) {
        out.onError(
            Status.ALREADY_EXISTS
                .withDescription(
                    "worker " + worker.id + " already has a WorkerStream for session " + sessionId)
                .asRuntimeException());
        return new Ignore<>();
      }
      stream = out;
      out.setOnCancelHandler(() -> detach("its WorkerStream was cancelled"));
      for (Pending p; (p = waiting.poll()) != null; ) {
        sent.put(p.key(), p);
        out.onNext(p.tasks());
      }
      return new StreamObserver<>() {
        @Override
        public void onNext(Batch results) {
          onResults(results);
        }

        @Override
        public void onError(Throwable t) {
          detach("its WorkerStream failed: " + t);
        }

        @Override
        public void onCompleted() {
          ServerCallStreamObserver<Batch> open;
          synchronized (Lane.this) {
            open = stream;
          }
          detach("it closed its WorkerStream");
          if (open != null) {
            try {
              open.onCompleted(); // the worker is done with this session: end the call
            } catch (RuntimeException e) {
              LOG.debug("completing WorkerStream of {}: {}", worker.id, e.toString());
            }
          }
        }
      };
    }

    private void onResults(Batch results) {
      Pending p;
      synchronized (this) {
        p = sent.remove(results.getId());
      }
      if (p == null) {
        LOG.warn(
            "polyglot worker {} answered batch id '{}', which it does not hold (unknown, or taken"
                + " back at its deadline); ignored",
            worker.id,
            results.getId());
        return;
      }
      blockingCalls.execute(() -> complete(p, results.getMessagesList()));
      closeIfDrained();
    }

    /** Writes the batch's results (worker's answers plus cancelled tasks) in task order. */
    private void complete(Pending p, List<Message> answers) {
      try {
        Map<String, Message> byId = new HashMap<>();
        answers.forEach(m -> byId.put(m.getId(), m));
        Batch original = Batch.parseFrom(p.queued().payload());
        List<Message> results = new ArrayList<>(original.getMessagesCount());
        int failed = 0;
        int cancelled = 0;
        for (Message task : original.getMessagesList()) {
          Message r = p.cancelled().get(task.getId());
          if (r != null) {
            cancelled++;
          } else {
            Message answer = byId.get(task.getId());
            Message.Builder b =
                answer == null
                    ? Message.newBuilder()
                        .setId(task.getId())
                        .setError("the polyglot worker returned no result for this task")
                    : answer.toBuilder();
            r = b.setRelatedId(task.getId()).setAttempts(p.attempt()).build();
            if (r.hasError()) {
              failed++;
            }
          }
          results.add(r);
        }
        RunOutcome outcome =
            new RunOutcome(original.getId(), original.getPriority(), results, failed, cancelled, 0);
        ResultWriter.Written written =
            new ResultWriter(ignite.cache(CacheNames.BATCHES))
                .write(p.key(), p.queued(), p.attempt(), outcome);
        if (written != null) {
          written.announce(new DeliveryRoutes(ignite), null);
        }
        p.done()
            .complete(
                written != null
                    ? JobReport.ran(results.size(), failed, cancelled, 0)
                    : JobReport.SKIPPED);
      } catch (Exception e) {
        p.done().completeExceptionally(e);
      }
    }

    void unbind(long generation, boolean returnUnstarted) {
      List<Pending> back = new ArrayList<>();
      synchronized (this) {
        unboundGeneration = Math.max(unboundGeneration, generation);
        unbinding = true;
        if (returnUnstarted) {
          back.addAll(waiting);
          waiting.clear();
        }
      }
      back.forEach(p -> p.done().complete(JobReport.RETURNED));
      closeIfDrained();
    }

    /** After UNBIND, the WorkerStream ends once the worker has answered every batch on it. */
    private void closeIfDrained() {
      ServerCallStreamObserver<Batch> toClose = null;
      synchronized (this) {
        if (unbinding && sent.isEmpty() && waiting.isEmpty() && stream != null) {
          toClose = stream;
          stream = null;
          worker.lanes.remove(sessionId, this);
        }
      }
      if (toClose != null) {
        try {
          toClose.onCompleted();
        } catch (RuntimeException e) {
          LOG.debug("closing WorkerStream of {}: {}", worker.id, e.toString());
        }
      }
    }

    private void detach(String why) {
      List<Pending> lost;
      synchronized (this) {
        stream = null;
        lost = new ArrayList<>(sent.values());
        sent.clear();
        worker.lanes.remove(sessionId, this);
      }
      lost.forEach(
          p ->
              p.done()
                  .completeExceptionally(
                      new BatchAbortedException(
                          "polyglot worker "
                              + worker.id
                              + " dropped session "
                              + sessionId
                              + ": "
                              + why)));
      if (!lost.isEmpty()) {
        LOG.info(
            "polyglot worker {}: {} batches of session {} lost ({})",
            worker.id,
            lost.size(),
            sessionId,
            why);
      }
    }

    void fail(Exception e) {
      List<Pending> all;
      synchronized (this) {
        all = new ArrayList<>(sent.values());
        all.addAll(waiting);
        sent.clear();
        waiting.clear();
        if (stream != null) {
          try {
            stream.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
          } catch (RuntimeException ignored) {
            // the call is already closed
          }
          stream = null;
        }
      }
      all.forEach(p -> p.done().completeExceptionally(e));
    }
  }

  /** Discards messages of a call already failed. */
  private static final class Ignore<T> implements StreamObserver<T> {
    @Override
    public void onNext(T value) {}

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }
}
