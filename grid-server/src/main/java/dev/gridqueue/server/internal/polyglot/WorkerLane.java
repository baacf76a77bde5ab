package dev.gridqueue.server.internal.polyglot;

import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.notice.DeliveryRoutes;
import dev.gridqueue.grid.store.CancelSet;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.grid.work.BatchAbortedException;
import dev.gridqueue.grid.work.BatchDeadlineException;
import dev.gridqueue.grid.work.JobReport;
import dev.gridqueue.grid.work.ResultWriter;
import dev.gridqueue.grid.work.RunOutcome;
import dev.gridqueue.grid.work.TaskErrors;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.TaskRun;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A polyglot worker's traffic for one session: its WorkerStream, the batches sent down it (or
 * waiting for it to open), each watched by its deadline ({@link BatchDeadlines}), and the results
 * coming back up it, written to the grid here.
 */
final class WorkerLane {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerLane.class);

  /** A batch sent (or waiting to be sent) to a worker. */
  private record Pending(
      String key,
      StoredBatch queued,
      int attempt,
      long generation,
      Batch tasks,
      Map<String, Message> cancelled,
      CompletableFuture<JobReport> done) {}

  private final RemoteWorker worker;
  private final String sessionId;
  private final Queue<Pending> waiting = new ArrayDeque<>();
  private final Map<String, Pending> sent = new HashMap<>();
  private ServerCallStreamObserver<Batch> stream;
  private long unboundGeneration;
  private boolean unbinding;

  private final HubServices services;

  WorkerLane(RemoteWorker worker, String sessionId, HubServices services) {
    this.worker = worker;
    this.services = services;
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
    CancelSet cancels =
        (CancelSet) services.ignite().cache(CacheNames.CANCELLATIONS).get(sessionId);
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
    services.deadlines().watch(maxTaskNanos, p.tasks().getMessagesCount(), done, d -> expire(p, d));
    return done;
  }

  /**
   * The worker held {@code p} past its deadline: taken back (the scheduler runs it elsewhere, as an
   * attempt, and strikes the worker); a late answer finds it gone and is ignored.
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
      return new IgnoredCall<>();
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
        synchronized (WorkerLane.this) {
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
    services.blockingCalls().execute(() -> complete(p, results.getMessagesList()));
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
      // Where the batch ran (the worker reports no times: its results carry none).
      TaskRun where =
          TaskRun.newBuilder()
              .setWorkerId(worker.id)
              .setHost(worker.host)
              .setAttempt(p.attempt())
              .build();
      RunOutcome outcome =
          new RunOutcome(
              original.getId(), original.getPriority(), results, failed, cancelled, 0, where);
      ResultWriter.Written written =
          new ResultWriter(services.ignite().cache(CacheNames.BATCHES))
              .write(p.key(), p.queued(), p.attempt(), outcome);
      if (written != null) {
        written.announce(new DeliveryRoutes(services.ignite()), null);
      }
      p.done()
          .complete(
              written != null
                  ? JobReport.ran(results.size(), failed, cancelled, 0)
                      .withTransfer(p.queued().payload().length, 0, written.bytes(), 0)
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
