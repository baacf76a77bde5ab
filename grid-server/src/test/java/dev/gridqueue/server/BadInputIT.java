package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.gridqueue.proto.v1.App;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.Session;
import dev.gridqueue.proto.v1.SessionAttributes;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Malformed and misdirected requests get the status codes of docs/architecture.md's error contract;
 * the server keeps serving.
 */
class BadInputIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid();

  private QueueGrpc.QueueBlockingStub queue;
  private QueueGrpc.QueueStub queueAsync;

  @BeforeEach
  void connect() {
    ManagedChannel channel = grid.newChannel();
    queue = QueueGrpc.newBlockingStub(channel);
    queueAsync = QueueGrpc.newStub(channel);
  }

  @Test
  void shouldRejectEmptyAppIdNamingTheField() {
    assertThatThrownBy(
            () ->
                queue.createSession(
                    Session.newBuilder().setApp(App.newBuilder().setId("")).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains("app.id");
            });
  }

  @Test
  void shouldRejectOutOfRangeAttributesNamingTheFieldAndLimit() {
    Session tooUrgent =
        echoSession().toBuilder()
            .setAttributes(SessionAttributes.newBuilder().setPriority(11))
            .build();
    Session minAboveMax =
        echoSession().toBuilder()
            .setAttributes(SessionAttributes.newBuilder().setMinWorkers(5).setMaxWorkers(2))
            .build();

    assertThatThrownBy(() -> queue.createSession(tooUrgent))
        .hasMessageContaining("INVALID_ARGUMENT")
        .hasMessageContaining("attributes.priority must be between 0 and 10, got 11");
    assertThatThrownBy(() -> queue.createSession(minAboveMax))
        .hasMessageContaining("INVALID_ARGUMENT")
        .hasMessageContaining("attributes.min_workers");
  }

  @Test
  void shouldFillInDefaultAttributes() {
    Session created = queue.createSession(echoSession());

    assertThat(created.getId()).isNotEmpty();
    assertThat(created.getAttributes().getPriority()).isEqualTo(5);
    assertThat(created.getAttributes().getMaxInflightBatchesPerWorker()).isEqualTo(10);
  }

  @Test
  void shouldEndStreamWithNotFoundForUnknownSession() throws Exception {
    RawStreamCall call = new RawStreamCall(queueAsync);

    call.requests.onNext(batch("no-such-session", "t1"));

    Status status = call.awaitEnd(Duration.ofSeconds(10));
    assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(status.getDescription()).contains("no-such-session");
    assertServerStillServes();
  }

  @Test
  void shouldEndStreamWithNotFoundForClosedSession() throws Exception {
    Session session = queue.createSession(echoSession());
    queue.closeSession(session);
    RawStreamCall call = new RawStreamCall(queueAsync);

    call.requests.onNext(batch(session.getId(), "t1"));

    Status status = call.awaitEnd(Duration.ofSeconds(10));
    assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(status.getDescription()).contains(session.getId());
    assertServerStillServes();
  }

  @Test
  void shouldAnswerNotFoundWhenClosingUnknownSession() {
    assertThatThrownBy(() -> queue.closeSession(Session.newBuilder().setId("nope").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void shouldRejectMalformedBatchesNamingTheField() throws Exception {
    Session session = queue.createSession(echoSession());
    RawStreamCall emptyId = new RawStreamCall(queueAsync);
    RawStreamCall noSession = new RawStreamCall(queueAsync);
    RawStreamCall noTasks = new RawStreamCall(queueAsync);

    emptyId.requests.onNext(batch(session.getId(), "ok", ""));
    noSession.requests.onNext(batch("", "t1"));
    noTasks.requests.onNext(Batch.newBuilder().setSessionId(session.getId()).build());

    assertThat(emptyId.awaitEnd(Duration.ofSeconds(10)))
        .satisfies(s -> assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT))
        .satisfies(s -> assertThat(s.getDescription()).contains("batch.messages[1].id"));
    assertThat(noSession.awaitEnd(Duration.ofSeconds(10)).getDescription())
        .contains("batch.session_id");
    assertThat(noTasks.awaitEnd(Duration.ofSeconds(10)).getDescription())
        .contains("batch.messages");
    assertServerStillServes();
  }

  @Test
  void shouldAnswerNotFoundForAnUpdateOfAnUnknownSession() {
    assertThatThrownBy(() -> queue.updateSession(echoSession().toBuilder().setId("nope").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.getStatus().getDescription()).contains("nope");
            });
  }

  /** A fresh session still runs a task end to end. */
  private void assertServerStillServes() throws Exception {
    Session session = queue.createSession(echoSession());
    RawStreamCall call = new RawStreamCall(queueAsync);
    call.requests.onNext(batch(session.getId(), "alive"));
    call.requests.onCompleted();
    assertThat(call.awaitEnd(Duration.ofSeconds(30)).getCode()).isEqualTo(Status.Code.OK);
    assertThat(call.received).hasSize(1);
    assertThat(call.received.get(0).getMessages(0).getPayload().toStringUtf8()).isEqualTo("alive");
    queue.closeSession(session);
  }

  private static Session echoSession() {
    return Session.newBuilder().setApp(App.newBuilder().setId("echo")).build();
  }

  private static Batch batch(String sessionId, String... ids) {
    Batch.Builder b = Batch.newBuilder().setSessionId(sessionId);
    for (String id : ids) {
      b.addMessages(Message.newBuilder().setId(id).setPayload(ByteString.copyFromUtf8(id)));
    }
    return b.build();
  }
}
