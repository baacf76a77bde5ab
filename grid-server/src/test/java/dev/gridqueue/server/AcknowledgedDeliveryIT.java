package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.gridqueue.grid.store.BatchState;
import dev.gridqueue.proto.v1.App;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.Session;
import io.grpc.Status;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Results stay in the grid until the client acknowledges their delivery, so a stream that breaks
 * loses nothing: what it had received but not acknowledged is sent again on re-attach.
 */
class AcknowledgedDeliveryIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid();

  @RegisterExtension
  static EmbeddedGrid forgetful = new EmbeddedGrid().deliveryAckTimeout(Duration.ofSeconds(2));

  @Test
  void shouldSendUnacknowledgedResultsAgainOnReattachButNotAcknowledgedOnes() throws Exception {
    // given: ten results received on a stream, five of them acknowledged
    QueueGrpc.QueueBlockingStub queue = QueueGrpc.newBlockingStub(grid.newChannel());
    Session session = newSession(queue);
    RawStreamCall first =
        RawStreamCall.withSessionHeader(QueueGrpc.newStub(grid.newChannel()), session.getId());
    for (int i = 0; i < 10; i++) {
      first.requests.onNext(task(session, "t" + i));
    }
    await("ten results").atMost(Duration.ofSeconds(30)).until(() -> first.resultCount() == 10);
    assertThat(first.received)
        .allSatisfy(b -> assertThat(b.getDeliveryId()).startsWith(session.getId() + "/"));
    List<Batch> acked = first.received.subList(0, 5);
    first.ack(acked.stream().map(Batch::getDeliveryId).toList());
    Set<String> ackedKeys = acked.stream().map(Batch::getDeliveryId).collect(Collectors.toSet());
    await("acknowledged results leave the grid")
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                GridBatches.ofSession(grid, session.getId()).keySet().stream()
                    .noneMatch(ackedKeys::contains));
    assertThat(GridBatches.ofSession(grid, session.getId()).values())
        .as("unacknowledged results stay")
        .hasSize(5)
        .allSatisfy(b -> assertThat(b.state()).isEqualTo(BatchState.DONE));

    // when: the stream breaks and the client re-attaches
    first.cancel();
    RawStreamCall second =
        RawStreamCall.withSessionHeader(QueueGrpc.newStub(grid.newChannel()), session.getId());

    // then: exactly the unacknowledged five arrive again
    await("unacknowledged results again")
        .atMost(Duration.ofSeconds(30))
        .until(() -> second.resultCount() >= 5);
    Set<String> expected = idsOf(first.received.subList(5, 10));
    assertThat(idsOf(second.received)).isEqualTo(expected);
    second.ack(second.received.stream().map(Batch::getDeliveryId).toList());
    await("acknowledged on the second stream, gone")
        .atMost(Duration.ofSeconds(10))
        .until(() -> GridBatches.ofSession(grid, session.getId()).isEmpty());
    assertThat(second.resultCount()).isEqualTo(5);
    second.requests.onCompleted();
    assertThat(second.awaitEnd(Duration.ofSeconds(10)).getCode()).isEqualTo(Status.Code.OK);
    queue.closeSession(session);
  }

  @Test
  void shouldAcceptAcknowledgementsPiggybackedOnTaskBatches() throws Exception {
    // given
    QueueGrpc.QueueBlockingStub queue = QueueGrpc.newBlockingStub(grid.newChannel());
    Session session = newSession(queue);
    RawStreamCall call = new RawStreamCall(QueueGrpc.newStub(grid.newChannel()));
    call.requests.onNext(task(session, "a"));
    await().atMost(Duration.ofSeconds(30)).until(() -> call.resultCount() == 1);
    String firstDelivery = call.received.get(0).getDeliveryId();

    // when: the next task batch carries the acknowledgement
    call.requests.onNext(task(session, "b").toBuilder().addAckDeliveryIds(firstDelivery).build());

    // then: the first result leaves the grid, the second task runs normally
    await().atMost(Duration.ofSeconds(30)).until(() -> call.resultCount() == 2);
    await("acknowledged result gone")
        .atMost(Duration.ofSeconds(10))
        .until(() -> !GridBatches.ofSession(grid, session.getId()).containsKey(firstDelivery));
    assertThat(call.received.get(1).getMessages(0).getId()).isEqualTo("b");
    assertThat(GridBatches.cache(grid).get(call.received.get(1).getDeliveryId()))
        .as("the unacknowledged one stays")
        .isNotNull();
    queue.closeSession(session);
  }

  @Test
  void shouldRemoveEverythingDeliveredWhenTheStreamCompletesNormally() throws Exception {
    // given: a client that never acknowledges (ALPCRUN.CH style), on a grid with a 30 s ack timeout
    QueueGrpc.QueueBlockingStub queue = QueueGrpc.newBlockingStub(grid.newChannel());
    Session session = newSession(queue);
    RawStreamCall call = new RawStreamCall(QueueGrpc.newStub(grid.newChannel()));
    for (int i = 0; i < 20; i++) {
      call.requests.onNext(task(session, "t" + i));
    }

    // when
    call.requests.onCompleted();

    // then: the stream ends after the last result, and nothing of it stays in the grid
    assertThat(call.awaitEnd(Duration.ofSeconds(30)).getCode()).isEqualTo(Status.Code.OK);
    assertThat(call.resultCount()).isEqualTo(20);
    await("delivered results removed long before the ack timeout")
        .atMost(Duration.ofSeconds(10))
        .until(() -> GridBatches.ofSession(grid, session.getId()).isEmpty());
    queue.closeSession(session);
  }

  @Test
  void shouldForgetResultsANonAcknowledgingClientReceivedAfterTheAckTimeout() throws Exception {
    // given: a client that never acknowledges and keeps its stream open
    QueueGrpc.QueueBlockingStub queue = QueueGrpc.newBlockingStub(forgetful.newChannel());
    Session session = newSession(queue);
    RawStreamCall call = new RawStreamCall(QueueGrpc.newStub(forgetful.newChannel()));
    for (int i = 0; i < 10; i++) {
      call.requests.onNext(task(session, "t" + i));
    }

    // when
    await().atMost(Duration.ofSeconds(30)).until(() -> call.resultCount() == 10);

    // then: removed once the (2 s) ack timeout has passed, while the stream is still open
    await("unacknowledged results forgotten")
        .atMost(Duration.ofSeconds(15))
        .until(() -> GridBatches.ofSession(forgetful, session.getId()).isEmpty());
    assertThat(call.end).isNotDone();
    assertThat(call.resultCount()).as("each result sent once").isEqualTo(10);
    call.requests.onCompleted();
    assertThat(call.awaitEnd(Duration.ofSeconds(10)).getCode()).isEqualTo(Status.Code.OK);
    queue.closeSession(session);
  }

  private static Session newSession(QueueGrpc.QueueBlockingStub queue) {
    return queue.createSession(Session.newBuilder().setApp(App.newBuilder().setId("echo")).build());
  }

  private static Batch task(Session session, String id) {
    return Batch.newBuilder()
        .setId("b-" + id)
        .setSessionId(session.getId())
        .addMessages(Message.newBuilder().setId(id).setPayload(ByteString.copyFromUtf8("p-" + id)))
        .build();
  }

  private static Set<String> idsOf(List<Batch> batches) {
    Set<String> ids = new HashSet<>();
    batches.forEach(b -> b.getMessagesList().forEach(m -> ids.add(m.getId())));
    return ids;
  }
}
