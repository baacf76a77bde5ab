package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.gridqueue.client.ApiKey;
import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.CacheGrpc;
import dev.gridqueue.proto.v1.CancelRequest;
import dev.gridqueue.proto.v1.Instruction;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.Session;
import dev.gridqueue.proto.v1.SessionAttributes;
import dev.gridqueue.proto.v1.SharedData;
import dev.gridqueue.proto.v1.Stats;
import dev.gridqueue.proto.v1.StatsRequest;
import dev.gridqueue.proto.v1.WorkerState;
import dev.gridqueue.server.security.ApiKeys;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who may talk to the grid, through gRPC as an attacker would: calls without a known key are
 * UNAUTHENTICATED; a session belongs to the key that created it and every call on it with another
 * client key (UpdateSession too) is PERMISSION_DENIED; GetStats shows a client its own sessions and
 * no workers; a WorkerStream opened with another worker's id, or for a session its worker is not
 * bound to, is refused.
 */
class AuthorizationIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private static final String KEYS =
      String.join(
          "\n",
          "# role key name",
          "client key-alice alice",
          "client sha256:" + ApiKeys.sha256("key-mallory") + " mallory",
          "worker key-pool pool",
          "worker key-rogue rogue",
          "admin key-ops ops",
          "");

  private static final Path KEYS_FILE = writeKeys(KEYS);

  @RegisterExtension
  static EmbeddedGrid grid = new EmbeddedGrid().configure(b -> b.apiKeysFile(KEYS_FILE));

  private static Path writeKeys(String keys) {
    try {
      Path file = Path.of("target", "authorization-it-api-keys.txt").toAbsolutePath();
      Files.writeString(file, keys);
      return file;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Channel as(String key) {
    return ApiKey.attach(grid.newChannel(), key);
  }

  private static Status statusOf(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
    return Status.OK;
  }

  @Test
  void shouldTakeKeysAddedToAndRemovedFromTheKeyFileWithoutARestart() {
    // given: a key the grid does not know
    QueueGrpc.QueueBlockingStub carol = QueueGrpc.newBlockingStub(as("key-carol"));
    assertThat(statusOf(() -> carol.getStats(StatsRequest.getDefaultInstance())).getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);

    // when: it is added to the file
    writeKeys(KEYS + "client key-carol carol\n");

    // then: it works
    await()
        .atMost(WAIT)
        .until(() -> statusOf(() -> carol.getStats(StatsRequest.getDefaultInstance())).isOk());

    // when: it is removed again
    writeKeys(KEYS);

    // then: refused, while the keys left still work
    await()
        .atMost(WAIT)
        .until(
            () ->
                statusOf(() -> carol.getStats(StatsRequest.getDefaultInstance())).getCode()
                    == Status.Code.UNAUTHENTICATED);
    assertThat(
            statusOf(
                    () ->
                        QueueGrpc.newBlockingStub(as("key-alice"))
                            .getStats(StatsRequest.getDefaultInstance()))
                .isOk())
        .isTrue();
  }

  @Test
  void shouldRefuseCallsWithoutAKnownKey() throws Exception {
    for (Channel channel : List.of(grid.newChannel(), as("key-nobody-has"))) {
      QueueGrpc.QueueBlockingStub queue = QueueGrpc.newBlockingStub(channel);
      CacheGrpc.CacheBlockingStub cache = CacheGrpc.newBlockingStub(channel);
      assertThat(
              statusOf(
                  () ->
                      queue.createSession(
                          Session.newBuilder()
                              .setApp(dev.gridqueue.proto.v1.App.newBuilder().setId("echo"))
                              .build())))
          .extracting(Status::getCode)
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(statusOf(() -> queue.getStats(StatsRequest.getDefaultInstance())).getCode())
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(
              statusOf(
                      () ->
                          cache.getSharedData(
                              SharedData.newBuilder().setSessionId("x").setUpdateLevel(1).build()))
                  .getCode())
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      StreamEnd<Instruction> updates = new StreamEnd<>();
      updates.stub(channel).workerUpdate(updates).onNext(WorkerState.getDefaultInstance());
      assertThat(updates.await().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(updates.workerId()).isNull(); // no worker id handed out
    }
  }

  @Test
  void shouldRefuseEveryCallOnASessionMadeWithAnotherClientKey() throws Exception {
    // given: alice's session with results waiting, shared data and a dead letter
    try (GridQueueClient alice = client("key-alice");
        TaskSession session = alice.openSession(SessionOptions.forApp("echo").build())) {
      String id = session.id();
      alice.sharedData(id).set(1, new byte[] {1, 2, 3}, Duration.ofMinutes(1));
      Channel mallory = as("key-mallory");
      QueueGrpc.QueueBlockingStub queue = QueueGrpc.newBlockingStub(mallory);
      CacheGrpc.CacheBlockingStub cache = CacheGrpc.newBlockingStub(mallory);
      SharedData level2 =
          SharedData.newBuilder()
              .setSessionId(id)
              .setUpdateLevel(2)
              .setPayload(ByteString.copyFromUtf8("forged"))
              .build();

      // when / then: every RPC naming her session, with mallory's client key
      Map<String, Runnable> calls =
          Map.of(
              "GetStats",
              () -> queue.getStats(StatsRequest.newBuilder().setSessionId(id).build()),
              "CancelTasks",
              () ->
                  queue.cancelTasks(
                      CancelRequest.newBuilder().setSessionId(id).setAll(true).build()),
              "CloseSession",
              () -> queue.closeSession(Session.newBuilder().setId(id).build()),
              "UpdateSession",
              () ->
                  queue.updateSession(
                      Session.newBuilder()
                          .setId(id)
                          .setAttributes(SessionAttributes.newBuilder().setPriority(10))
                          .build()),
              "GetSharedData",
              () -> cache.getSharedData(level2.toBuilder().setUpdateLevel(1).build()),
              "SetSharedData",
              () -> cache.setSharedData(level2),
              "UpdateSharedData",
              () -> cache.updateSharedData(level2),
              "DeleteSharedData",
              () -> cache.deleteSharedData(SharedData.newBuilder().setSessionId(id).build()));
      calls.forEach(
          (rpc, call) ->
              assertThat(statusOf(call).getCode())
                  .as(rpc)
                  .isEqualTo(Status.Code.PERMISSION_DENIED));

      StreamEnd<Batch> deadLetters = new StreamEnd<>();
      QueueGrpc.newStub(mallory)
          .clientStreamDeadLetters(Session.newBuilder().setId(id).build(), deadLetters);
      assertThat(deadLetters.await().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

      RawStreamCall byHeader = RawStreamCall.withSessionHeader(QueueGrpc.newStub(mallory), id);
      assertThat(byHeader.awaitEnd(WAIT).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

      RawStreamCall byBatch = new RawStreamCall(QueueGrpc.newStub(mallory));
      byBatch.requests.onNext(
          Batch.newBuilder()
              .setSessionId(id)
              .addMessages(
                  Message.newBuilder().setId("m1").setPayload(ByteString.copyFromUtf8("x")))
              .build());
      assertThat(byBatch.awaitEnd(WAIT).getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

      // and alice's session is untouched: her tasks run, her data is hers
      for (int i = 0; i < 20; i++) {
        session.submit("t" + i, ("p" + i).getBytes(StandardCharsets.UTF_8));
      }
      session.finishSending();
      assertThat(session.awaitResults(20, WAIT)).hasSize(20).allMatch(r -> r.succeeded());
      assertThat(alice.sharedData(id).get(1)).containsExactly(1, 2, 3);
      assertThat(alice.session(id).getAttributes().getPriority()).isEqualTo(5);
      // an admin key may look at any session
      assertThat(
              QueueGrpc.newBlockingStub(as("key-ops"))
                  .getStats(StatsRequest.newBuilder().setSessionId(id).build())
                  .getSessionsList())
          .extracting(s -> s.getSessionId())
          .containsExactly(id);
    }
  }

  @Test
  void shouldShowAClientOnlyItsOwnSessionsAndNoWorkers() throws Exception {
    try (GridQueueClient alice = client("key-alice");
        GridQueueClient mallory = client("key-mallory");
        TaskSession hers = alice.openSession(SessionOptions.forApp("echo").build());
        TaskSession his = mallory.openSession(SessionOptions.forApp("echo").build())) {
      for (TaskSession s : List.of(hers, his)) { // a session is listed once it has had work
        s.submit("t", "x".getBytes(StandardCharsets.UTF_8));
        s.flush();
        assertThat(s.awaitResults(1, WAIT)).hasSize(1);
      }
      QueueGrpc.QueueBlockingStub admin = QueueGrpc.newBlockingStub(as("key-ops"));
      await() // the scheduler lists a session once it has heard of it
          .atMost(WAIT)
          .until(
              () ->
                  admin.getStats(StatsRequest.getDefaultInstance()).getSessionsList().stream()
                          .filter(
                              s ->
                                  s.getSessionId().equals(hers.id())
                                      || s.getSessionId().equals(his.id()))
                          .count()
                      == 2);
      Stats seenByAdmin = admin.getStats(StatsRequest.getDefaultInstance());
      assertThat(seenByAdmin.getWorkersList()).isNotEmpty();

      Stats seenByAlice = alice.stats();
      assertThat(seenByAlice.getSessionsList())
          .extracting(s -> s.getSessionId())
          .contains(hers.id())
          .doesNotContain(his.id());
      assertThat(seenByAlice.getWorkersList()).isEmpty();
      assertThat(seenByAlice.getWorkersConnected()).isPositive(); // grid-wide figures stay
      assertThat(seenByAdmin.getWorkersList()).isNotEmpty();
    }
  }

  @Test
  void shouldKeepRolesApart() throws Exception {
    assertThat(
            statusOf(
                    () ->
                        QueueGrpc.newBlockingStub(as("key-pool"))
                            .createSession(
                                Session.newBuilder()
                                    .setApp(dev.gridqueue.proto.v1.App.newBuilder().setId("echo"))
                                    .build()))
                .getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    StreamEnd<Instruction> updates = new StreamEnd<>();
    QueueGrpc.newStub(as("key-alice"))
        .workerUpdate(updates)
        .onNext(WorkerState.getDefaultInstance());
    assertThat(updates.await().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void shouldRefuseAWorkerStreamWithAnotherWorkersIdOrForAnUnboundSession() throws Exception {
    // given: alice's session served by the pool's polyglot worker
    ProtoOnlyWorker pool = grid.closeAfter(new ProtoOnlyWorker(as("key-pool"), List.of("authz")));
    try (GridQueueClient alice = client("key-alice");
        TaskSession session =
            alice.openSession(SessionOptions.forApp("upper").tags(List.of("authz")).build())) {
      String id = session.id();
      session.submit("t0", "hello".getBytes(StandardCharsets.UTF_8));
      session.flush();
      assertThat(session.awaitResults(1, WAIT))
          .singleElement()
          .satisfies(
              r -> assertThat(new String(r.payload(), StandardCharsets.UTF_8)).isEqualTo("HELLO"));
      String poolId = pool.workerId();

      // when: a rogue worker key forges the pool worker's stream for alice's session
      StreamEnd<Batch> forged = new StreamEnd<>();
      workerStream(as("key-rogue"), poolId, id, forged);

      // then
      assertThat(forged.await().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

      // when: the rogue registers a worker of its own and opens a stream for alice's session
      StreamEnd<Instruction> rogueUpdates = new StreamEnd<>();
      StreamObserver<WorkerState> rogueState =
          rogueUpdates.stub(as("key-rogue")).workerUpdate(rogueUpdates);
      rogueState.onNext(
          WorkerState.newBuilder().addAppIds("upper").addTags("authz").setSlots(1).build());
      await().atMost(WAIT).until(() -> rogueUpdates.workerId() != null);
      String rogueId = rogueUpdates.workerId();
      assertThat(rogueId).matches("grpc-[0-9a-f]{32}"); // 128 random bits
      StreamEnd<Batch> unbound = new StreamEnd<>();
      workerStream(as("key-rogue"), rogueId, id, unbound);

      // then
      assertThat(unbound.await().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      // and shared data: the pool's worker (bound) may read it, the rogue may not
      alice.sharedData(id).set(1, new byte[] {7}, Duration.ofMinutes(1));
      SharedData level1 = SharedData.newBuilder().setSessionId(id).setUpdateLevel(1).build();
      assertThat(
              CacheGrpc.newBlockingStub(as("key-pool"))
                  .getSharedData(level1)
                  .getPayload()
                  .toByteArray())
          .containsExactly(7);
      assertThat(
              statusOf(() -> CacheGrpc.newBlockingStub(as("key-rogue")).getSharedData(level1))
                  .getCode())
          .isEqualTo(Status.Code.PERMISSION_DENIED);
      // and GetStats of the session (how a worker learns its app): the pool's key, not the rogue's
      StatsRequest ofSession = StatsRequest.newBuilder().setSessionId(id).build();
      Stats seenByPool = QueueGrpc.newBlockingStub(as("key-pool")).getStats(ofSession);
      assertThat(seenByPool.getSessionsList())
          .singleElement()
          .satisfies(s -> assertThat(s.getAppId()).isEqualTo("upper"));
      assertThat(seenByPool.getWorkersList()).isEmpty();
      assertThat(
              statusOf(() -> QueueGrpc.newBlockingStub(as("key-rogue")).getStats(ofSession))
                  .getCode())
          .isEqualTo(Status.Code.PERMISSION_DENIED);
      rogueState.onCompleted();
    }
  }

  private static void workerStream(
      Channel channel, String workerId, String sessionId, StreamObserver<Batch> observer) {
    Metadata md = new Metadata();
    md.put(Metadata.Key.of("workerid", Metadata.ASCII_STRING_MARSHALLER), workerId);
    md.put(Metadata.Key.of("sessionid", Metadata.ASCII_STRING_MARSHALLER), sessionId);
    QueueGrpc.newStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
        .workerStream(observer);
  }

  private GridQueueClient client(String key) {
    return GridQueueClient.newBuilder()
        .addresses(List.of("127.0.0.1:" + grid.server().grpcPort()))
        .apiKey(key)
        .build();
  }

  /** Records how a server stream ended, and its response headers. */
  private static final class StreamEnd<T> implements StreamObserver<T> {
    final CompletableFuture<Status> end = new CompletableFuture<>();
    final AtomicReference<Metadata> headers = new AtomicReference<>();

    /** A stub recording the response headers of its calls here. */
    QueueGrpc.QueueStub stub(Channel channel) {
      return QueueGrpc.newStub(channel)
          .withInterceptors(
              MetadataUtils.newCaptureMetadataInterceptor(headers, new AtomicReference<>()));
    }

    String workerId() {
      Metadata h = headers.get();
      return h == null
          ? null
          : h.get(Metadata.Key.of("workerid", Metadata.ASCII_STRING_MARSHALLER));
    }

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

    Status await() throws Exception {
      return end.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }
}
