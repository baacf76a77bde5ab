package dev.gridqueue.client;

import static dev.gridqueue.client.FakeQueue.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The send side against an in-process fake node: batches, flow control, acknowledgements,
 * half-close.
 */
class TaskSessionSendingTest {
  private FakeGrid grid;
  private FakeQueue node;

  @BeforeEach
  void startGrid() throws Exception {
    grid = new FakeGrid(1, Duration.ofSeconds(60));
    node = grid.node(0);
  }

  @AfterEach
  void stopGrid() throws Exception {
    grid.close();
  }

  @Test
  void shouldSendFullBatchesAtOnceAndAPartialOneOnFlush() throws Exception {
    // given
    TaskSession session =
        grid.client.openSession(SessionOptions.forApp("echo").batchSize(3).build());
    FakeQueue.TaskStream stream = node.nextTaskStream();

    // when
    for (int i = 0; i < 7; i++) {
      session.submit("t" + i, bytes("p" + i));
    }
    Batch first = stream.nextBatch();
    Batch second = stream.nextBatch();
    assertThat(stream.receivedSoFar())
        .as("the seventh task waits for a full batch or a flush")
        .isEmpty();
    session.flush();
    Batch third = stream.nextBatch();

    // then
    assertThat(stream.sessionHeader).isEqualTo(FakeQueue.SESSION_ID);
    assertThat(ids(first)).containsExactly("t0", "t1", "t2");
    assertThat(ids(second)).containsExactly("t3", "t4", "t5");
    assertThat(ids(third)).containsExactly("t6");
    assertThat(first.getMessages(1).getPayload().toStringUtf8()).isEqualTo("p1");
    assertThat(new String[] {first.getId(), second.getId(), third.getId()})
        .containsExactly("1", "2", "3");
    assertThat(first.getSessionId()).isEqualTo(FakeQueue.SESSION_ID);
    assertThat(first.hasUseSharedData()).isFalse();
  }

  @Test
  void shouldSendThePendingBatchBeforeSwitchingSharedDataLevels() throws Exception {
    // given
    TaskSession session =
        grid.client.openSession(SessionOptions.forApp("echo").batchSize(10).build());
    FakeQueue.TaskStream stream = node.nextTaskStream();
    session.submit("plain", bytes("x"));

    // when
    session.useSharedData(2);
    session.submit("reads-level-2", bytes("x"));
    session.useNoSharedData();

    // then
    Batch plain = stream.nextBatch();
    Batch shared = stream.nextBatch();
    assertThat(ids(plain)).containsExactly("plain");
    assertThat(plain.hasUseSharedData()).isFalse();
    assertThat(ids(shared)).containsExactly("reads-level-2");
    assertThat(shared.getUseSharedData()).isTrue();
    assertThat(shared.getRequiredSharedDataUpdateLevel()).isEqualTo(2);
  }

  @Test
  void shouldBlockSubmitWhileTheServerTakesNoMoreBatches() throws Exception {
    // given: a node that has asked for no batch yet
    node.useManualFlowControl();
    TaskSession session =
        grid.client.openSession(SessionOptions.forApp("echo").batchSize(1).build());
    FakeQueue.TaskStream stream = node.nextTaskStream();

    // when
    CompletableFuture<Void> submitted =
        CompletableFuture.runAsync(() -> session.submit("t1", bytes("x")));

    // then: the caller waits until the server asks for a batch
    await("submit waits")
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !submitted.isDone());
    stream.request(1);
    submitted.get(10, TimeUnit.SECONDS);
    assertThat(ids(stream.nextBatch())).containsExactly("t1");
  }

  @Test
  void shouldPiggybackAcknowledgementsOnTheNextTaskBatch() throws Exception {
    // given: a delivery to acknowledge
    TaskSession session =
        grid.client.openSession(SessionOptions.forApp("echo").batchSize(1).build());
    FakeQueue.TaskStream stream = node.nextTaskStream();
    session.submit("t1", bytes("x"));
    stream.nextBatch();
    stream.deliver(results("delivery-1", "t1"));
    assertThat(session.take().taskId()).isEqualTo("t1");

    // when: a task batch goes out within the acknowledgement delay
    session.submit("t2", bytes("x"));
    grid.time.advanceMillis(5);
    session.submit("t3", bytes("x"));

    // then: the acknowledgement rode on it, and no batch of acknowledgements alone followed
    Batch withAck = stream.nextBatch();
    assertThat(ids(withAck)).containsExactly("t2");
    assertThat(withAck.getAckDeliveryIdsList()).containsExactly("delivery-1");
    Batch next = stream.nextBatch();
    assertThat(ids(next)).containsExactly("t3");
    assertThat(next.getAckDeliveryIdsList()).isEmpty();
  }

  @Test
  void shouldSendAcknowledgementsAloneOncePerDelayWhenNoTaskBatchGoesOut() throws Exception {
    // given
    TaskSession session =
        grid.client.openSession(SessionOptions.forApp("echo").batchSize(2).build());
    FakeQueue.TaskStream stream = node.nextTaskStream();
    session.submit("t1", bytes("x"));
    session.submit("t2", bytes("x"));
    stream.nextBatch();

    // when: two deliveries, then the acknowledgement delay passes
    stream.deliver(results("delivery-1", "t1"));
    stream.deliver(results("delivery-2", "t2"));
    session.awaitResults(2, Duration.ofSeconds(10));
    assertThat(grid.time.scheduled()).as("one flush for both").isEqualTo(1);
    grid.time.advanceMillis(4);
    assertThat(grid.time.scheduled()).as("not due yet").isEqualTo(1);
    grid.time.advanceMillis(1);

    // then
    Batch acks = stream.nextBatch();
    assertThat(acks.getMessagesCount()).isZero();
    assertThat(acks.getId()).isEmpty();
    assertThat(acks.getSessionId()).isEqualTo(FakeQueue.SESSION_ID);
    assertThat(acks.getAckDeliveryIdsList()).containsExactly("delivery-1", "delivery-2");
  }

  @Test
  void shouldSendWhatIsPendingAndTheLastAcknowledgementsThenHalfCloseOnFinishSending()
      throws Exception {
    // given
    TaskSession session =
        grid.client.openSession(SessionOptions.forApp("echo").batchSize(10).build());
    FakeQueue.TaskStream stream = node.nextTaskStream();
    session.submit("t1", bytes("x"));
    session.flush();
    stream.nextBatch();
    stream.deliver(results("delivery-1", "t1"));
    assertThat(session.take().taskId()).isEqualTo("t1");
    session.submit("t2", bytes("x"));

    // when
    session.finishSending();

    // then
    Batch last = stream.nextBatch();
    assertThat(ids(last)).containsExactly("t2");
    assertThat(last.getAckDeliveryIdsList()).containsExactly("delivery-1");
    stream.halfClosed.get(10, TimeUnit.SECONDS);
    assertThatCode(session::flush)
        .as("nothing pending: nothing to send")
        .doesNotThrowAnyException();
    session.submit("late", bytes("x"));
    assertThatThrownBy(session::flush)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void shouldEndTheSessionOnceTheServerCompletedTheStreamAndEveryTaskEnded() throws Exception {
    // given
    TaskSession session = grid.client.openSession(SessionOptions.forApp("echo").build());
    FakeQueue.TaskStream stream = node.nextTaskStream();
    session.submit("t1", bytes("x"));
    session.submit("t2", bytes("x"));
    session.finishSending();
    stream.halfClosed.get(10, TimeUnit.SECONDS);

    // when
    stream.deliver(results("delivery-1", "t1", "t2"));
    stream.complete();

    // then
    assertThat(session.take().payload()).asString().isEqualTo("done:t1");
    assertThat(session.take().taskId()).isEqualTo("t2");
    assertThat(session.take()).as("the end").isNull();
    assertThat(session.take()).as("the end, again").isNull();
    assertThat(session.failovers()).isZero();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static java.util.List<String> ids(Batch batch) {
    return batch.getMessagesList().stream().map(Message::getId).toList();
  }
}
