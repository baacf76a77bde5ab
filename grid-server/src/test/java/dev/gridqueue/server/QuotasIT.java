package dev.gridqueue.server;

import static dev.gridqueue.server.InputValidationIT.assertStatus;
import static dev.gridqueue.server.InputValidationIT.batch;
import static dev.gridqueue.server.InputValidationIT.session;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.CacheGrpc;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.Session;
import dev.gridqueue.proto.v1.SessionAttributes;
import dev.gridqueue.proto.v1.SharedData;
import dev.gridqueue.shareddata.SharedDataLimits;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The holes of issue 16's "Inputs that end in a JVM halt" list, each through gRPC against a real
 * server with small quotas (the defaults scale them up): each is refused with RESOURCE_EXHAUSTED or
 * INVALID_ARGUMENT naming the limit before memory fills, and the server keeps serving.
 */
class QuotasIT {
  private static final long QUEUED_PER_SESSION = 8 << 20;
  private static final long SHARED_PER_SESSION = 8 << 20;
  private static final int MIB3 = 3 << 20;

  @RegisterExtension
  static EmbeddedGrid grid =
      new EmbeddedGrid()
          .configure(
              o ->
                  o.queuedBytesPerSession(QUEUED_PER_SESSION)
                      .sharedDataLimits(
                          SharedDataLimits.newBuilder()
                              .maxBytesPerSession(SHARED_PER_SESSION)
                              .build()));

  private QueueGrpc.QueueBlockingStub queue;
  private QueueGrpc.QueueStub queueAsync;
  private CacheGrpc.CacheBlockingStub cache;
  private ManagedChannel channel;

  @BeforeEach
  void connect() {
    channel = grid.newChannel();
    queue = QueueGrpc.newBlockingStub(channel);
    queueAsync = QueueGrpc.newStub(channel);
    cache = CacheGrpc.newBlockingStub(channel);
  }

  @Test
  void shouldRefuseBatchesPastTheSessionsQueuedBytesQuota() throws Exception {
    // given an app no worker serves: every batch stays queued
    Session session = queue.createSession(session("served-by-nobody"));
    RawStreamCall call = new RawStreamCall(queueAsync);

    // when 3 MiB batches keep coming
    for (int i = 0; i < 4; i++) {
      call.requests.onNext(bigBatch(session.getId(), "t" + i));
    }

    // then the third (past 8 MiB) ends the stream, naming the quota
    Status status = call.awaitEnd(Duration.ofSeconds(30));
    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.getDescription())
        .contains("the limit is " + QUEUED_PER_SESSION + " bytes per session (queued-bytes quota)");
    assertServerStillServes();
    queue.closeSession(session);
  }

  @Test
  void shouldRefuseSharedDataPastTheSessionsQuota() {
    Session session = queue.createSession(session("echo"));
    cache.updateSharedData(level(session, MIB3));
    cache.updateSharedData(level(session, MIB3));

    assertStatus(
        () -> cache.updateSharedData(level(session, MIB3)),
        Status.Code.RESOURCE_EXHAUSTED,
        "the limit is " + SHARED_PER_SESSION + " bytes per session");

    cache.deleteSharedData(SharedData.newBuilder().setSessionId(session.getId()).build());
    cache.updateSharedData(level(session, MIB3)); // room again
    queue.closeSession(session);
  }

  @Test
  void shouldRefuseSharedDataUploadsPastTheServersLimitBeforeReadingThem() {
    Session session = queue.createSession(session("echo"));
    // given uploads started and still sending (their message not yet arrived)
    List<io.grpc.ClientCall<SharedData, com.google.protobuf.Empty>> started = new ArrayList<>();
    for (int i = 0; i < ContractLimits.SHARED_DATA_UPLOADS_PER_SERVER_MAX; i++) {
      io.grpc.ClientCall<SharedData, com.google.protobuf.Empty> call =
          channel.newCall(CacheGrpc.getSetSharedDataMethod(), io.grpc.CallOptions.DEFAULT);
      call.start(new io.grpc.ClientCall.Listener<>() {}, new io.grpc.Metadata());
      call.request(1);
      started.add(call);
    }

    // when / then one more upload is refused at once, naming the limit
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertStatus(
                    () -> cache.setSharedData(level(session, 1000)),
                    Status.Code.RESOURCE_EXHAUSTED,
                    "takes "
                        + ContractLimits.SHARED_DATA_UPLOADS_PER_SERVER_MAX
                        + " shared-data uploads at once"));
    started.forEach(c -> c.cancel("test done", null));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> cache.setSharedData(level(session, 1000)) != null);
    queue.closeSession(session);
  }

  @Test
  void shouldRefuseSessionsWithMegabytesOfAttributes() {
    SessionAttributes.Builder tags = SessionAttributes.newBuilder();
    String tag = "x".repeat(200);
    for (int i = 0; i < 50_000; i++) { // 10 MiB of tags
      tags.addTags(tag + i);
    }

    assertStatus(
        () -> queue.createSession(session("echo").toBuilder().setAttributes(tags).build()),
        Status.Code.INVALID_ARGUMENT,
        "the limit is " + ContractLimits.SESSION_ATTRIBUTES_MAX_BYTES);
    assertStatus(
        () ->
            queue.createSession(
                session("echo").toBuilder()
                    .setAttributes(SessionAttributes.newBuilder().addTags("y".repeat(10_000)))
                    .build()),
        Status.Code.INVALID_ARGUMENT,
        "attributes.tags entry is 10000 characters long; the limit is 256");
  }

  @Test
  void shouldRefuseStreamsPastTheSessionsLimit() throws Exception {
    Session session = queue.createSession(session("echo"));
    List<RawStreamCall> open = new ArrayList<>();
    for (int i = 0; i < ContractLimits.STREAMS_PER_SESSION_MAX; i++) {
      open.add(RawStreamCall.withSessionHeader(queueAsync, session.getId()));
    }

    RawStreamCall oneMore = RawStreamCall.withSessionHeader(queueAsync, session.getId());

    Status status = oneMore.awaitEnd(Duration.ofSeconds(30));
    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.getDescription())
        .contains("the limit is " + ContractLimits.STREAMS_PER_SESSION_MAX + " per session");
    open.forEach(RawStreamCall::cancel);
    // the slots are given back: a stream of the session works again
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              RawStreamCall call = new RawStreamCall(queueAsync);
              call.requests.onNext(batch(session.getId(), "after"));
              call.requests.onCompleted();
              assertThat(call.awaitEnd(Duration.ofSeconds(30)).getCode()).isEqualTo(Status.Code.OK);
            });
    queue.closeSession(session);
  }

  private void assertServerStillServes() throws Exception {
    Session session = queue.createSession(session("echo"));
    RawStreamCall call = new RawStreamCall(queueAsync);
    call.requests.onNext(batch(session.getId(), "alive"));
    call.requests.onCompleted();
    assertThat(call.awaitEnd(Duration.ofSeconds(30)).getCode()).isEqualTo(Status.Code.OK);
    assertThat(call.resultCount()).isEqualTo(1);
    queue.closeSession(session);
  }

  private static Batch bigBatch(String sessionId, String id) {
    return Batch.newBuilder()
        .setSessionId(sessionId)
        .addMessages(Message.newBuilder().setId(id).setPayload(ByteString.copyFrom(new byte[MIB3])))
        .build();
  }

  private static SharedData level(Session session, int bytes) {
    return SharedData.newBuilder()
        .setSessionId(session.getId())
        .setPayload(ByteString.copyFrom(new byte[bytes]))
        .build();
  }
}
