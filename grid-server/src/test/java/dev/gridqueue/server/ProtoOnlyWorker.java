package dev.gridqueue.server;

import com.google.protobuf.ByteString;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Instruction;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.Resources;
import dev.gridqueue.proto.v1.WorkerState;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A polyglot worker as a user of another language writes it: only the generated gRPC stubs of the
 * .proto, the ALPCRUN.CH worker protocol (WorkerUpdate, BIND, WorkerStream, UNBIND). Serves app
 * "upper" (upper-cases UTF-8 payloads).
 */
final class ProtoOnlyWorker implements AutoCloseable {
  private static final Metadata.Key<String> WORKER_ID =
      Metadata.Key.of("workerid", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> SESSION_ID =
      Metadata.Key.of("sessionid", Metadata.ASCII_STRING_MARSHALLER);

  private final Channel channel;
  private final AtomicReference<Metadata> headers = new AtomicReference<>();
  private final Map<String, StreamObserver<Batch>> sessionStreams = new ConcurrentHashMap<>();
  final List<String> instructions = new CopyOnWriteArrayList<>();
  final AtomicInteger tasksRun = new AtomicInteger();
  private final StreamObserver<WorkerState> updates;
  private volatile String workerId;

  /** While set, batches are received but not answered (a hung or dying worker). */
  volatile boolean stalled;

  /**
   * While set, each batch is held unanswered until the next one arrives (which, with one slot,
   * means the grid took it back) or {@link #answerLate()}; then answered, late (a rogue worker).
   */
  volatile boolean withholding;

  /** Ids of the tasks of every batch held while {@link #withholding}. */
  final List<String> heldTaskIds = new CopyOnWriteArrayList<>();

  private final List<Runnable> lateAnswers = new CopyOnWriteArrayList<>();

  ProtoOnlyWorker(Channel channel, List<String> tags) {
    this.channel = channel;
    Metadata trailers = new Metadata();
    Channel capturing =
        ClientInterceptors.intercept(
            channel,
            MetadataUtils.newCaptureMetadataInterceptor(headers, new AtomicReference<>(trailers)));
    updates =
        QueueGrpc.newStub(capturing)
            .workerUpdate(
                new StreamObserver<>() {
                  @Override
                  public void onNext(Instruction instruction) {
                    instructions.add(instruction.getType() + " " + instruction.getSessionId());
                    if (instruction.getType() == Instruction.Type.BIND) {
                      openSession(instruction.getSessionId());
                    }
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
    updates.onNext(
        WorkerState.newBuilder()
            .setStatus(WorkerState.Status.IDLE)
            .addAppIds("upper")
            .addAllTags(tags)
            .setSlots(1)
            .setResources(Resources.newBuilder().setCores(1).setMemoryMb(512))
            .build());
  }

  /** The id from the {@code workerid} response header, once it arrived. */
  String workerId() {
    Metadata h = headers.get();
    if (workerId == null && h != null) {
      workerId = h.get(WORKER_ID);
    }
    return workerId;
  }

  private void openSession(String sessionId) {
    Metadata md = new Metadata();
    md.put(SESSION_ID, sessionId);
    md.put(WORKER_ID, workerId());
    QueueGrpc.QueueStub stub =
        QueueGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    AtomicReference<StreamObserver<Batch>> results = new AtomicReference<>();
    results.set(
        stub.workerStream(
            new StreamObserver<>() {
              @Override
              public void onNext(Batch tasks) {
                if (stalled) {
                  return;
                }
                if (withholding) {
                  answerLate();
                  tasks.getMessagesList().forEach(t -> heldTaskIds.add(t.getId()));
                  lateAnswers.add(
                      () -> {
                        synchronized (results) {
                          try {
                            results.get().onNext(answer(tasks, sessionId));
                          } catch (RuntimeException closed) {
                            // the server already ended the stream (UNBIND): nothing to answer
                          }
                        }
                      });
                  return;
                }
                Batch out = answer(tasks, sessionId);
                tasksRun.addAndGet(out.getMessagesCount());
                synchronized (results) {
                  results.get().onNext(out);
                }
              }

              private Batch answer(Batch tasks, String sessionId) {
                Batch.Builder out = Batch.newBuilder().setId(tasks.getId()).setSessionId(sessionId);
                for (Message task : tasks.getMessagesList()) {
                  String text = task.getPayload().toStringUtf8();
                  Message.Builder r = Message.newBuilder().setId(task.getId());
                  if (text.startsWith("fail")) {
                    r.setError("refused: " + text);
                  } else {
                    r.setPayload(ByteString.copyFrom(text.toUpperCase(), StandardCharsets.UTF_8));
                  }
                  out.addMessages(r);
                }
                return out.build();
              }

              @Override
              public void onError(Throwable t) {
                sessionStreams.remove(sessionId);
              }

              @Override
              public void onCompleted() {
                sessionStreams.remove(sessionId);
                synchronized (results) {
                  results.get().onCompleted();
                }
              }
            }));
    sessionStreams.put(sessionId, results.get());
  }

  /** Answers every batch held so far (see {@link #withholding}). */
  synchronized void answerLate() {
    List<Runnable> due = List.copyOf(lateAnswers);
    lateAnswers.clear();
    due.forEach(Runnable::run);
  }

  /** Leaves as a crashed worker would: its streams are cut. */
  void crash() {
    updates.onError(new RuntimeException("worker crashed"));
    sessionStreams.values().forEach(s -> s.onError(new RuntimeException("worker crashed")));
  }

  @Override
  public void close() {
    try {
      updates.onCompleted();
    } catch (RuntimeException ignored) {
      // already closed
    }
  }
}
