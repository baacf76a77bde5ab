package dev.gridqueue.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Empty;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.Session;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A grid node as a session sees it, and no more: it creates and closes sessions, records the
 * streams the client opens and what arrives on them, and lets the test answer on them by hand.
 */
final class FakeQueue extends QueueGrpc.QueueImplBase {
  static final String SESSION_ID = "session-1";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Metadata.Key<String> SESSION_HEADER =
      Metadata.Key.of("sessionid", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<String> SESSION_HEADER_SEEN = Context.key("sessionid");

  final List<String> closedSessions = new CopyOnWriteArrayList<>();
  private final BlockingQueue<TaskStream> taskStreams = new LinkedBlockingQueue<>();
  private final BlockingQueue<DeadLetterStream> deadLetterStreams = new LinkedBlockingQueue<>();
  private volatile Status closeSessionAnswer = Status.OK;
  private volatile boolean manualFlowControl;

  /** Records the {@code sessionid} header of every call. */
  ServerInterceptor headers() {
    return new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String id = headers.get(SESSION_HEADER);
        return Contexts.interceptCall(
            Context.current().withValue(SESSION_HEADER_SEEN, id), call, headers, next);
      }
    };
  }

  /**
   * Task streams opened from now on take a batch only when the test asks ({@link
   * TaskStream#request}).
   */
  void useManualFlowControl() {
    manualFlowControl = true;
  }

  void answerCloseSessionWith(Status status) {
    closeSessionAnswer = status;
  }

  /** The next task stream the client opens. */
  TaskStream nextTaskStream() throws InterruptedException {
    TaskStream s = taskStreams.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(s).as("a task stream opened within %s", WAIT).isNotNull();
    return s;
  }

  DeadLetterStream nextDeadLetterStream() throws InterruptedException {
    DeadLetterStream s = deadLetterStreams.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(s).as("a dead-letter stream opened within %s", WAIT).isNotNull();
    return s;
  }

  /** Whether a task stream was opened that no test took yet. */
  boolean hasNewTaskStream() {
    return !taskStreams.isEmpty();
  }

  @Override
  public void createSession(Session request, StreamObserver<Session> response) {
    response.onNext(request.toBuilder().setId(SESSION_ID).build());
    response.onCompleted();
  }

  @Override
  public void closeSession(Session request, StreamObserver<Empty> response) {
    closedSessions.add(request.getId());
    if (closeSessionAnswer.isOk()) {
      response.onNext(Empty.getDefaultInstance());
      response.onCompleted();
    } else {
      response.onError(closeSessionAnswer.asRuntimeException());
    }
  }

  @Override
  public StreamObserver<Batch> clientStream(StreamObserver<Batch> responses) {
    ServerCallStreamObserver<Batch> call = (ServerCallStreamObserver<Batch>) responses;
    TaskStream stream = new TaskStream(SESSION_HEADER_SEEN.get(), call);
    if (manualFlowControl) {
      call.disableAutoRequest();
    }
    call.setOnCancelHandler(() -> stream.cancelled.complete(null));
    taskStreams.add(stream);
    return stream;
  }

  @Override
  public void clientStreamDeadLetters(Session request, StreamObserver<Batch> responses) {
    ServerCallStreamObserver<Batch> call = (ServerCallStreamObserver<Batch>) responses;
    DeadLetterStream stream = new DeadLetterStream(request.getId(), call);
    call.setOnCancelHandler(() -> stream.cancelled.complete(null));
    deadLetterStreams.add(stream);
  }

  /**
   * A result batch: each task's result payload is "done:" and its id; delivered as {@code
   * deliveryId}.
   */
  static Batch results(String deliveryId, String... taskIds) {
    Batch.Builder b = Batch.newBuilder().setSessionId(SESSION_ID).setDeliveryId(deliveryId);
    for (String id : taskIds) {
      b.addMessages(
          Message.newBuilder()
              .setId(id)
              .setRelatedId(id)
              .setAttempts(1)
              .setPayload(com.google.protobuf.ByteString.copyFromUtf8("done:" + id)));
    }
    return b.build();
  }

  /** A dead-letter batch: each task ended without a result, with {@code error}. */
  static Batch deadLetters(String deliveryId, String error, int attempts, String... taskIds) {
    Batch.Builder b =
        Batch.newBuilder().setSessionId(SESSION_ID).setDeliveryId(deliveryId).setDead(true);
    for (String id : taskIds) {
      b.addMessages(
          Message.newBuilder().setId(id).setRelatedId(id).setError(error).setAttempts(attempts));
    }
    return b.build();
  }

  /** One ClientStream call: what the client sent on it, and the server's side of it. */
  static final class TaskStream implements StreamObserver<Batch> {
    final String sessionHeader;
    final CompletableFuture<Void> halfClosed = new CompletableFuture<>();
    final CompletableFuture<Void> cancelled = new CompletableFuture<>();
    private final BlockingQueue<Batch> received = new LinkedBlockingQueue<>();
    private final ServerCallStreamObserver<Batch> call;

    private TaskStream(String sessionHeader, ServerCallStreamObserver<Batch> call) {
      this.sessionHeader = sessionHeader;
      this.call = call;
    }

    /** The next batch the client sent. */
    Batch nextBatch() throws InterruptedException {
      Batch b = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(b).as("a batch arrived within %s", WAIT).isNotNull();
      return b;
    }

    /** Batches that arrived and no test took yet. */
    List<Batch> receivedSoFar() {
      return List.copyOf(received);
    }

    /** Lets the client send {@code batches} more (with {@link #useManualFlowControl()}). */
    void request(int batches) {
      call.request(batches);
    }

    synchronized void deliver(Batch results) {
      call.onNext(results);
    }

    /** Ends the stream normally, as the server does once every task sent on it ended. */
    synchronized void complete() {
      call.onCompleted();
    }

    synchronized void fail(Status status) {
      call.onError(status.asRuntimeException());
    }

    @Override
    public void onNext(Batch batch) {
      received.add(batch);
    }

    @Override
    public void onError(Throwable t) {
      cancelled.complete(null);
    }

    @Override
    public void onCompleted() {
      halfClosed.complete(null);
    }
  }

  /** One ClientStreamDeadLetters call. */
  static final class DeadLetterStream {
    final String sessionId;
    final CompletableFuture<Void> cancelled = new CompletableFuture<>();
    private final ServerCallStreamObserver<Batch> call;

    private DeadLetterStream(String sessionId, ServerCallStreamObserver<Batch> call) {
      this.sessionId = sessionId;
      this.call = call;
    }

    synchronized void deliver(Batch letters) {
      call.onNext(letters);
    }

    synchronized void fail(Status status) {
      call.onError(status.asRuntimeException());
    }
  }
}
