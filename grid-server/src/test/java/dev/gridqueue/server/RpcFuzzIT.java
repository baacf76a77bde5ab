package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import dev.gridqueue.proto.v1.App;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.CacheGrpc;
import dev.gridqueue.proto.v1.CancelRequest;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.Resources;
import dev.gridqueue.proto.v1.Session;
import dev.gridqueue.proto.v1.SessionAttributes;
import dev.gridqueue.proto.v1.SharedData;
import dev.gridqueue.proto.v1.StatsRequest;
import dev.gridqueue.proto.v1.WorkerState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Property: whatever a client sends to any RPC (random messages built from boundary values: 0, -1
 * and 2^31 in uint32 fields, huge and negative durations, NaN and infinite doubles, empty, blank,
 * long and unknown strings), the server answers with a status that describes the request — never
 * INTERNAL or UNKNOWN — does not crash, and still serves a session end to end afterwards. Seeded
 * ({@code -Dfuzz.seed=N} replays a run; the seed is in the failure message).
 */
class RpcFuzzIT {
  private static final int ROUNDS = 300;
  private static final long STREAM_WAIT_MS = 1_500;

  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid();

  private final long seed = Long.getLong("fuzz.seed", System.nanoTime());
  private final Random random = new Random(seed);
  private final Map<String, Integer> outcomes = new ConcurrentHashMap<>();
  private final List<String> failures = new ArrayList<>();
  private String liveSession;

  @Test
  void shouldNeverAnswerInternalAndKeepServing() throws Exception {
    ManagedChannel channel = grid.newChannel();
    QueueGrpc.QueueBlockingStub queue =
        QueueGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.MINUTES);
    QueueGrpc.QueueStub queueAsync = QueueGrpc.newStub(channel);
    CacheGrpc.CacheBlockingStub cache = CacheGrpc.newBlockingStub(channel);
    liveSession =
        queue
            .createSession(Session.newBuilder().setApp(App.newBuilder().setId("echo")).build())
            .getId();

    for (int round = 0; round < ROUNDS; round++) {
      switch (random.nextInt(13)) {
        case 0 -> unary("CreateSession", () -> queue.createSession(session()));
        case 1 -> unary("CloseSession", () -> queue.closeSession(session().toBuilder().build()));
        case 2 -> unary("CancelTasks", () -> queue.cancelTasks(cancel()));
        case 3 -> unary("GetStats", () -> queue.getStats(stats()));
        case 4 -> unary("UpdateSession", () -> queue.updateSession(session()));
        case 5 -> unary("SetSharedData", () -> cache.setSharedData(sharedData()));
        case 6 -> unary("UpdateSharedData", () -> cache.updateSharedData(sharedData()));
        case 7 -> unary("GetSharedData", () -> cache.getSharedData(sharedData()));
        case 8 -> clientStream(withSessionHeader(queueAsync));
        case 9 -> workerUpdate(queueAsync);
        case 11 -> workerStream(queueAsync);
        case 12 ->
            unary(
                "DeleteSharedData",
                () ->
                    cache.deleteSharedData(
                        SharedData.newBuilder().setSessionId(sessionId()).build()));
        default -> deadLetters(queueAsync);
      }
    }

    org.slf4j.LoggerFactory.getLogger(RpcFuzzIT.class)
        .info(
            "fuzz seed {}: {} rounds, outcomes {}",
            seed,
            ROUNDS,
            new java.util.TreeMap<>(outcomes));
    assertThat(failures).as("seed %d, outcomes %s", seed, outcomes).isEmpty();
    assertStillServes(queue, queueAsync);
  }

  private void unary(String rpc, Supplier<?> call) {
    try {
      call.get();
      record(rpc, Status.OK);
    } catch (StatusRuntimeException e) {
      record(rpc, e.getStatus());
    }
  }

  private void record(String rpc, Status status) {
    outcomes.merge(rpc + " " + status.getCode(), 1, Integer::sum);
    if (status.getCode() == Status.Code.INTERNAL || status.getCode() == Status.Code.UNKNOWN) {
      failures.add(rpc + ": " + status);
    }
  }

  private void clientStream(QueueGrpc.QueueStub stub) throws Exception {
    RawStreamCall call = new RawStreamCall(stub);
    for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
      call.requests.onNext(batch());
    }
    call.requests.onCompleted();
    awaitOrCancel("ClientStream", call.end, () -> call.cancel());
  }

  private void workerUpdate(QueueGrpc.QueueStub stub) throws Exception {
    CompletableFuture<Status> end = new CompletableFuture<>();
    StreamObserver<WorkerState> updates = stub.workerUpdate(observer(end));
    updates.onNext(workerState());
    awaitOrCancel(
        "WorkerUpdate",
        end,
        () -> ((ClientCallStreamObserver<WorkerState>) updates).cancel("fuzz done", null));
  }

  private void workerStream(QueueGrpc.QueueStub stub) throws Exception {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("workerid", Metadata.ASCII_STRING_MARSHALLER), asciiName());
    headers.put(Metadata.Key.of("sessionid", Metadata.ASCII_STRING_MARSHALLER), sessionId());
    CompletableFuture<Status> end = new CompletableFuture<>();
    StreamObserver<Batch> results =
        stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .workerStream(observer(end));
    results.onNext(batch());
    awaitOrCancel(
        "WorkerStream",
        end,
        () -> ((ClientCallStreamObserver<Batch>) results).cancel("fuzz done", null));
  }

  private void deadLetters(QueueGrpc.QueueStub stub) throws Exception {
    CompletableFuture<Status> end = new CompletableFuture<>();
    var call = new AtomicCall();
    stub.clientStreamDeadLetters(session(), call.wrap(observer(end)));
    awaitOrCancel("ClientStreamDeadLetters", end, call::cancel);
  }

  private void awaitOrCancel(String rpc, CompletableFuture<Status> end, Runnable cancel)
      throws Exception {
    try {
      record(rpc, end.get(STREAM_WAIT_MS, TimeUnit.MILLISECONDS));
    } catch (TimeoutException stillOpen) {
      outcomes.merge(rpc + " still open", 1, Integer::sum);
      cancel.run();
    }
  }

  private static <T> StreamObserver<T> observer(CompletableFuture<Status> end) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {}

      @Override
      public void onError(Throwable t) {
        end.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        end.complete(Status.OK);
      }
    };
  }

  /** Remembers a server-streaming call's observer, to cancel it. */
  private static final class AtomicCall {
    private volatile io.grpc.stub.ClientCallStreamObserver<?> call;

    <T> StreamObserver<T> wrap(StreamObserver<T> delegate) {
      return new io.grpc.stub.ClientResponseObserver<Object, T>() {
        @Override
        public void beforeStart(io.grpc.stub.ClientCallStreamObserver<Object> requests) {
          call = requests;
        }

        @Override
        public void onNext(T value) {
          delegate.onNext(value);
        }

        @Override
        public void onError(Throwable t) {
          delegate.onError(t);
        }

        @Override
        public void onCompleted() {
          delegate.onCompleted();
        }
      };
    }

    void cancel() {
      if (call != null) {
        call.cancel("fuzz done", null);
      }
    }
  }

  private QueueGrpc.QueueStub withSessionHeader(QueueGrpc.QueueStub stub) {
    if (random.nextBoolean()) {
      return stub;
    }
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("sessionid", Metadata.ASCII_STRING_MARSHALLER), sessionId());
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  // ---- random messages from boundary values ----

  private Session session() {
    Session.Builder s =
        Session.newBuilder().setId(sessionId()).setApp(App.newBuilder().setId(app()));
    if (random.nextBoolean()) {
      s.setAttributes(attributes());
    }
    return s.build();
  }

  private SessionAttributes attributes() {
    SessionAttributes.Builder a = SessionAttributes.newBuilder();
    if (random.nextBoolean()) a.setPriority(uint32());
    if (random.nextBoolean()) a.setMinWorkers(uint32());
    if (random.nextBoolean()) a.setMaxWorkers(uint32());
    if (random.nextBoolean()) a.setMaxRetries(uint32());
    if (random.nextBoolean()) a.setMaxInflightBatchesPerWorker(uint32());
    if (random.nextBoolean()) a.setIdleTimeout(duration());
    if (random.nextBoolean()) a.setMaxTaskRunningTime(duration());
    if (random.nextBoolean()) a.setFastAbortMultiplier(real());
    if (random.nextBoolean()) a.setTaskResources(resources());
    if (random.nextBoolean()) a.putCategories(name(), resources());
    for (int i = random.nextInt(3); i > 0; i--) a.addTags(name());
    for (int i = random.nextInt(2); i > 0; i--) a.addBlockedWorkerHosts(name());
    if (random.nextBoolean()) a.setClientId(name());
    if (random.nextBoolean()) a.setPreemptible(random.nextBoolean());
    return a.build();
  }

  private Batch batch() {
    Batch.Builder b = Batch.newBuilder();
    if (random.nextInt(4) > 0) b.setSessionId(sessionId());
    if (random.nextInt(4) == 0) b.setPriority(uint32());
    if (random.nextInt(4) == 0) b.setMaxRetries(uint32());
    if (random.nextInt(4) == 0) b.setRequiredSharedDataUpdateLevel(uint32());
    if (random.nextInt(4) == 0) b.setResources(resources());
    if (random.nextInt(4) == 0) b.setCategory(name());
    if (random.nextInt(4) == 0) b.setId(name());
    if (random.nextInt(4) == 0) b.addAckDeliveryIds(name());
    for (int i = random.nextInt(4); i > 0; i--) {
      b.addMessages(
          Message.newBuilder()
              .setId(
                  random.nextInt(10) == 0
                      ? ""
                      : random.nextBoolean() ? "t" + random.nextInt(1000) : name())
              .setTag(random.nextBoolean() ? "" : name())
              .setPayload(ByteString.copyFromUtf8(name())));
    }
    return b.build();
  }

  private CancelRequest cancel() {
    CancelRequest.Builder c = CancelRequest.newBuilder().setSessionId(sessionId());
    for (int i = random.nextInt(3); i > 0; i--) c.addTaskIds(name());
    for (int i = random.nextInt(3); i > 0; i--) c.addTags(name());
    c.setAll(random.nextInt(4) == 0);
    return c.build();
  }

  private StatsRequest stats() {
    return StatsRequest.newBuilder().setSessionId(random.nextBoolean() ? "" : sessionId()).build();
  }

  private SharedData sharedData() {
    SharedData.Builder d =
        SharedData.newBuilder()
            .setSessionId(sessionId())
            .setPayload(ByteString.copyFrom(new byte[random.nextInt(3) * 1000]));
    if (random.nextBoolean()) d.setUpdateLevel(uint32());
    if (random.nextBoolean()) d.setTtl(duration());
    return d.build();
  }

  private WorkerState workerState() {
    WorkerState.Builder w = WorkerState.newBuilder().setWorkerId(name());
    if (random.nextBoolean()) w.setSlots(uint32());
    if (random.nextBoolean()) w.setResources(resources());
    for (int i = random.nextInt(3); i > 0; i--) w.addAppIds(random.nextBoolean() ? "" : name());
    for (int i = random.nextInt(3); i > 0; i--) w.addTags(name());
    return w.build();
  }

  private Resources resources() {
    return Resources.newBuilder()
        .setCores(uint32())
        .setMemoryMb(uint64())
        .setDiskMb(uint64())
        .setGpus(uint32())
        .build();
  }

  private int uint32() {
    int[] edges = {0, 1, 2, 5, 10, 11, 100, 101, 1000, 1001, 65_536, 65_537, Integer.MAX_VALUE};
    return switch (random.nextInt(4)) {
      case 0 -> -1; // 2^32 - 1
      case 1 -> Integer.MIN_VALUE; // 2^31
      case 2 -> random.nextInt();
      default -> edges[random.nextInt(edges.length)];
    };
  }

  private long uint64() {
    long[] edges = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 26, (1L << 26) + 1, 1L << 40};
    return edges[random.nextInt(edges.length)];
  }

  private double real() {
    double[] edges = {
      0,
      0.5,
      1,
      2,
      1000,
      1001,
      -1,
      Double.NaN,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      Double.MAX_VALUE,
      Double.MIN_VALUE,
      -0.0
    };
    return edges[random.nextInt(edges.length)];
  }

  private Duration duration() {
    long[] seconds = {0, 1, -1, 600, 601, 31_536_000, 31_536_001, Long.MAX_VALUE, Long.MIN_VALUE};
    int[] nanos = {0, 1, -1, 999_999_999, 1_000_000_000, Integer.MAX_VALUE, Integer.MIN_VALUE};
    return Duration.newBuilder()
        .setSeconds(seconds[random.nextInt(seconds.length)])
        .setNanos(nanos[random.nextInt(nanos.length)])
        .build();
  }

  private String sessionId() {
    return switch (random.nextInt(5)) {
      case 0 -> "";
      case 1 -> "no-such-session";
      case 2 -> "s".repeat(5_000); // echoed in an error, it must not overflow the trailers
      default -> liveSession;
    };
  }

  private String asciiName() {
    String[] names = {"", "w1", "x".repeat(300), "no-such-worker"};
    return names[random.nextInt(names.length)];
  }

  private String app() {
    String[] apps = {"echo", "", " ", "nobody-serves-this", "x".repeat(300)};
    return apps[random.nextInt(apps.length)];
  }

  private String name() {
    return switch (random.nextInt(6)) {
      case 0 -> "";
      case 1 -> " ";
      case 2 -> "x".repeat(257 + random.nextInt(2_000));
      case 3 -> "ünïcødé-\u0000-" + random.nextInt(100);
      default -> "n" + random.nextInt(50);
    };
  }

  private static void assertStillServes(
      QueueGrpc.QueueBlockingStub queue, QueueGrpc.QueueStub async) throws Exception {
    Session session =
        queue.createSession(Session.newBuilder().setApp(App.newBuilder().setId("echo")).build());
    RawStreamCall call = new RawStreamCall(async);
    call.requests.onNext(InputValidationIT.batch(session.getId(), "alive"));
    call.requests.onCompleted();
    assertThat(call.awaitEnd(java.time.Duration.ofSeconds(60)).getCode()).isEqualTo(Status.Code.OK);
    assertThat(call.resultCount()).isEqualTo(1);
  }
}
