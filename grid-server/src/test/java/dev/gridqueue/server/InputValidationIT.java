package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import dev.gridqueue.proto.v1.App;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.CacheGrpc;
import dev.gridqueue.proto.v1.CancelRequest;
import dev.gridqueue.proto.v1.Instruction;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.Resources;
import dev.gridqueue.proto.v1.Session;
import dev.gridqueue.proto.v1.SessionAttributes;
import dev.gridqueue.proto.v1.SharedData;
import dev.gridqueue.proto.v1.WorkerState;
import dev.gridqueue.shareddata.SharedDataLimits;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The holes of issue 16's "Weak validation" list, each through gRPC against a real server: every
 * numeric field is range-checked at the edge and refused with INVALID_ARGUMENT naming the field and
 * the limit (never stored wrapped, never INTERNAL), and the server keeps serving.
 */
class InputValidationIT {
  private static final int SHARED_DATA_MAX = 4 << 20;

  @RegisterExtension
  static EmbeddedGrid grid =
      new EmbeddedGrid()
          .configure(
              o ->
                  o.sharedDataLimits(
                      SharedDataLimits.newBuilder().maxPayloadBytes(SHARED_DATA_MAX).build()));

  private QueueGrpc.QueueBlockingStub queue;
  private QueueGrpc.QueueStub queueAsync;
  private CacheGrpc.CacheBlockingStub cache;

  @BeforeEach
  void connect() {
    ManagedChannel channel = grid.newChannel();
    queue = QueueGrpc.newBlockingStub(channel);
    queueAsync = QueueGrpc.newStub(channel);
    cache = CacheGrpc.newBlockingStub(channel);
  }

  @Test
  void shouldRefuseUint32ValuesAtOrAbove2To31NamingTheFieldAndLimit() {
    int twoTo31 = Integer.MIN_VALUE; // 2^31 on the wire
    assertInvalid(a -> a.setPriority(-1), "attributes.priority must be between 0 and 10");
    assertInvalid(
        a -> a.setMaxRetries(twoTo31), "attributes.max_retries must be between 0 and 100");
    assertInvalid(a -> a.setMinWorkers(twoTo31), "attributes.min_workers must be between 0 and");
    assertInvalid(a -> a.setMaxWorkers(-1), "attributes.max_workers must be between 0 and");
    assertInvalid(
        a -> a.setMaxInflightBatchesPerWorker(twoTo31),
        "attributes.max_inflight_batches_per_worker must be between 1 and 1000");
  }

  @Test
  void shouldRefuseSessionResourcesNoWorkerCouldHave() {
    assertInvalid(
        a -> a.setTaskResources(Resources.newBuilder().setCores(-1)),
        "attributes.task_resources.cores must be between 0 and 65536, got 4294967295");
    assertInvalid(
        a -> a.putCategories("big", Resources.newBuilder().setMemoryMb(Long.MAX_VALUE).build()),
        "attributes.categories[big].memory_mb");
    assertInvalid(
        a -> a.setTaskResources(Resources.newBuilder().setGpus(1 << 20)),
        "attributes.task_resources.gpus");
  }

  @Test
  void shouldRefuseDurationsAndMultipliersThatWouldOverflow() {
    assertInvalid(
        a -> a.setIdleTimeout(Duration.newBuilder().setSeconds(Long.MAX_VALUE)),
        "attributes.idle_timeout must be at most 31536000 s");
    assertInvalid(
        a -> a.setMaxTaskRunningTime(Duration.newBuilder().setSeconds(1L << 40)),
        "attributes.max_task_running_time must be at most 31536000 s");
    assertInvalid(
        a -> a.setFastAbortMultiplier(Double.POSITIVE_INFINITY),
        "attributes.fast_abort_multiplier must be 0 (off) or between 1 and 1000");
    assertInvalid(a -> a.setFastAbortMultiplier(Double.NaN), "attributes.fast_abort_multiplier");
  }

  @Test
  void shouldRefuseBadBatchNumbersWithInvalidArgumentNotInternal() throws Exception {
    Session session = queue.createSession(session("echo"));

    assertBatchRefused(
        session,
        b -> b.setResources(Resources.newBuilder().setCores(-1)),
        "batch.resources.cores must be between 0 and 65536, got 4294967295");
    assertBatchRefused(session, b -> b.setPriority(-1), "batch.priority must be between 0 and");
    assertBatchRefused(
        session, b -> b.setMaxRetries(-1), "batch.max_retries must be between 0 and 100");
    assertBatchRefused(
        session,
        b -> b.setRequiredSharedDataUpdateLevel(-1),
        "batch.required_shared_data_update_level must be between 1 and 2147483647");
    assertServerStillServes();
  }

  @Test
  void shouldNotWrapSharedDataLevelsPast2To31Minus1() {
    Session session = queue.createSession(session("echo"));
    cache.setSharedData(level(session, Integer.MAX_VALUE));

    assertStatus(
        () -> cache.updateSharedData(level(session, null)),
        Status.Code.INVALID_ARGUMENT,
        "is at the highest level, 2147483647");
    assertStatus(
        () -> cache.setSharedData(level(session, Integer.MIN_VALUE)),
        Status.Code.INVALID_ARGUMENT,
        "shared_data.update_level must be between 1 and 2147483647, got 2147483648");
    assertStatus(
        () -> cache.getSharedData(level(session, -1)),
        Status.Code.INVALID_ARGUMENT,
        "shared_data.update_level must be between 1 and 2147483647");
    assertThat(cache.getSharedData(level(session, null)).getUpdateLevel())
        .isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void shouldEndWorkerUpdateWithInvalidArgumentForOutOfRangeWorkerState() throws Exception {
    assertThat(workerUpdate(WorkerState.newBuilder().setSlots(1 << 20).addAppIds("x").build()))
        .satisfies(s -> assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .satisfies(s -> assertThat(s.getDescription()).contains("worker_state.slots"));
    assertThat(
            workerUpdate(
                WorkerState.newBuilder()
                    .setSlots(1)
                    .setResources(Resources.newBuilder().setCores(-1))
                    .addAppIds("x")
                    .build()))
        .satisfies(s -> assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .satisfies(
            s ->
                assertThat(s.getDescription())
                    .contains("worker_state.resources.cores must be between 0 and 65536"));
    assertServerStillServes();
  }

  @Test
  void shouldRefuseCancelListsAboveTheLimitBeforeTouchingTheSession() {
    Session session = queue.createSession(session("echo"));
    CancelRequest.Builder huge = CancelRequest.newBuilder().setSessionId(session.getId());
    IntStream.range(0, 100_001).forEach(i -> huge.addTaskIds("t" + i));

    assertStatus(
        () -> queue.cancelTasks(huge.build()),
        Status.Code.INVALID_ARGUMENT,
        "task_ids and tags holds 100001 entries; the limit is 100000");
    assertThat(
            queue
                .cancelTasks(
                    CancelRequest.newBuilder().setSessionId(session.getId()).addTags("x").build())
                .getAccepted())
        .isEqualTo(1);
  }

  @Test
  void shouldRefuseOversizedMessagesFromTheirLengthPrefix() throws Exception {
    Session session = queue.createSession(session("echo"));
    // Larger than any payload or batch this server accepts plus framing: gRPC refuses it from the
    // message's length prefix, before buffering it (it was buffered whole, then refused).
    SharedData oversized =
        SharedData.newBuilder()
            .setSessionId(session.getId())
            .setPayload(ByteString.copyFrom(new byte[66 << 20]))
            .build();

    assertStatus(() -> cache.setSharedData(oversized), Status.Code.RESOURCE_EXHAUSTED, "");
    assertStatus(
        () ->
            cache.setSharedData(
                oversized.toBuilder()
                    .setPayload(ByteString.copyFrom(new byte[SHARED_DATA_MAX + 1]))
                    .build()),
        Status.Code.INVALID_ARGUMENT,
        "shared_data.payload is 4194305 bytes; the maximum is 4194304");
    assertServerStillServes();
  }

  private Status workerUpdate(WorkerState state) throws Exception {
    CompletableFuture<Status> end = new CompletableFuture<>();
    StreamObserver<WorkerState> updates =
        queueAsync.workerUpdate(
            new StreamObserver<>() {
              @Override
              public void onNext(Instruction value) {}

              @Override
              public void onError(Throwable t) {
                end.complete(Status.fromThrowable(t));
              }

              @Override
              public void onCompleted() {
                end.complete(Status.OK);
              }
            });
    updates.onNext(state);
    return end.get(10, TimeUnit.SECONDS);
  }

  private void assertInvalid(UnaryOperator<SessionAttributes.Builder> set, String message) {
    Session request =
        session("echo").toBuilder()
            .setAttributes(set.apply(SessionAttributes.newBuilder()))
            .build();
    assertStatus(() -> queue.createSession(request), Status.Code.INVALID_ARGUMENT, message);
  }

  private void assertBatchRefused(Session session, UnaryOperator<Batch.Builder> set, String message)
      throws Exception {
    RawStreamCall call = new RawStreamCall(queueAsync);
    call.requests.onNext(set.apply(batch(session.getId(), "t1").toBuilder()).build());
    Status status = call.awaitEnd(java.time.Duration.ofSeconds(10));
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains(message);
  }

  static void assertStatus(Runnable call, Status.Code code, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(String.valueOf(e.getStatus().getDescription())).contains(message);
            });
  }

  private void assertServerStillServes() throws Exception {
    Session session = queue.createSession(session("echo"));
    RawStreamCall call = new RawStreamCall(queueAsync);
    call.requests.onNext(batch(session.getId(), "alive"));
    call.requests.onCompleted();
    assertThat(call.awaitEnd(java.time.Duration.ofSeconds(30)).getCode()).isEqualTo(Status.Code.OK);
    assertThat(call.resultCount()).isEqualTo(1);
    queue.closeSession(session);
  }

  private static SharedData level(Session session, Integer level) {
    SharedData.Builder b =
        SharedData.newBuilder()
            .setSessionId(session.getId())
            .setPayload(ByteString.copyFromUtf8("level"));
    if (level != null) {
      b.setUpdateLevel(level);
    }
    return b.build();
  }

  static Session session(String app) {
    return Session.newBuilder().setApp(App.newBuilder().setId(app)).build();
  }

  static Batch batch(String sessionId, String... ids) {
    Batch.Builder b = Batch.newBuilder().setSessionId(sessionId);
    for (String id : ids) {
      b.addMessages(Message.newBuilder().setId(id).setPayload(ByteString.copyFromUtf8(id)));
    }
    return b.build();
  }
}
