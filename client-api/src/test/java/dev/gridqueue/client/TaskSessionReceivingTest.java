package dev.gridqueue.client;

import static dev.gridqueue.client.FakeQueue.deadLetters;
import static dev.gridqueue.client.FakeQueue.results;
import static dev.gridqueue.client.TaskSessionSendingTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.proto.v1.Batch;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The receive side against an in-process fake node: each task once, dead letters, the session's
 * end.
 */
class TaskSessionReceivingTest {
  private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(60);

  private FakeGrid grid;
  private FakeQueue node;

  @BeforeEach
  void startGrid() throws Exception {
    grid = new FakeGrid(1, GIVE_UP_AFTER);
    node = grid.node(0);
  }

  @AfterEach
  void stopGrid() throws Exception {
    grid.close();
  }

  @Test
  void shouldHandEachTaskToTheCallerOnceWhenTheServerDeliversItTwice() throws Exception {
    // given
    TaskSession session =
        grid.client.openSession(SessionOptions.forApp("echo").batchSize(2).build());
    FakeQueue.TaskStream stream = node.nextTaskStream();
    session.submit("t1", bytes("x"));
    session.submit("t2", bytes("x"));
    stream.nextBatch();

    // when: t1 arrives twice, in two deliveries
    stream.deliver(results("delivery-1", "t1"));
    stream.deliver(results("delivery-2", "t1", "t2"));

    // then
    assertThat(session.take().taskId()).isEqualTo("t1");
    assertThat(session.take().taskId()).isEqualTo("t2");
    assertThat(session.poll(Duration.ZERO)).as("no second t1").isNull();
    assertThat(session.duplicatesDropped()).isEqualTo(1);
    grid.time.advanceMillis(5);
    assertThat(stream.nextBatch().getAckDeliveryIdsList())
        .as("both deliveries acknowledged, the repeat too")
        .containsExactly("delivery-1", "delivery-2");
  }

  @Test
  void shouldSurfaceDeadLettersAsEndedTasksAndAcknowledgeThem() throws Exception {
    // given
    TaskSession session =
        grid.client.openSession(SessionOptions.forApp("echo").batchSize(1).build());
    FakeQueue.TaskStream stream = node.nextTaskStream();
    FakeQueue.DeadLetterStream letters = node.nextDeadLetterStream();
    session.submit("doomed", bytes("x"));
    stream.nextBatch();

    // when
    letters.deliver(deadLetters("dead-1", "handler failed: doomed", 2, "doomed"));

    // then
    TaskResult letter = session.take();
    assertThat(letters.sessionId).isEqualTo(FakeQueue.SESSION_ID);
    assertThat(letter.taskId()).isEqualTo("doomed");
    assertThat(letter.isDeadLetter()).isTrue();
    assertThat(letter.succeeded()).isFalse();
    assertThat(letter.error()).isEqualTo("handler failed: doomed");
    assertThat(letter.attempts()).isEqualTo(2);
    assertThat(letter.payload()).isEmpty();
    grid.time.advanceMillis(5);
    assertThat(stream.nextBatch().getAckDeliveryIdsList()).containsExactly("dead-1");
    // a repeat of a dead-lettered task as a result is a repeat too
    stream.deliver(results("delivery-2", "doomed"));
    await("the repeat dropped")
        .atMost(Duration.ofSeconds(10))
        .until(() -> session.duplicatesDropped() == 1);
    assertThat(session.poll(Duration.ZERO)).isNull();
  }

  @Test
  void shouldEndTheSessionWhenTheLastTaskEndsAsADeadLetterAfterTheStreamCompleted()
      throws Exception {
    // given: the server completed the task stream while one task is still on the dead-letter stream
    TaskSession session = grid.client.openSession(SessionOptions.forApp("echo").build());
    FakeQueue.TaskStream stream = node.nextTaskStream();
    FakeQueue.DeadLetterStream letters = node.nextDeadLetterStream();
    session.submit("t1", bytes("x"));
    session.submit("doomed", bytes("x"));
    session.finishSending();
    stream.halfClosed.get(10, TimeUnit.SECONDS);
    stream.deliver(results("delivery-1", "t1"));
    stream.complete();
    assertThat(session.take().taskId()).isEqualTo("t1");
    assertThat(session.poll(Duration.ZERO)).as("not ended: a task is missing").isNull();

    // when
    letters.deliver(deadLetters("dead-1", "cancelled by the client", 0, "doomed"));

    // then
    assertThat(session.take().isDeadLetter()).isTrue();
    assertThat(session.take()).as("the end").isNull();
    letters.cancelled.get(10, TimeUnit.SECONDS);
  }

  @Test
  void shouldFailWithDataLossWhenATaskNeverEndsWithinTheGiveUpTimeAfterTheStreamCompleted()
      throws Exception {
    // given
    TaskSession session = grid.client.openSession(SessionOptions.forApp("echo").build());
    FakeQueue.TaskStream stream = node.nextTaskStream();
    session.submit("lost", bytes("x"));
    session.finishSending();
    stream.halfClosed.get(10, TimeUnit.SECONDS);

    // when
    stream.complete();
    grid.time.advance(GIVE_UP_AFTER.minusMillis(1));
    assertThat(session.poll(Duration.ZERO))
        .as("still waiting just before the give-up time")
        .isNull();
    grid.time.advanceMillis(1);

    // then
    assertThatThrownBy(session::take)
        .isInstanceOfSatisfying(
            GridQueueException.class,
            e -> {
              assertThat(e.status().getCode()).isEqualTo(Status.Code.DATA_LOSS);
              assertThat(e.status().getDescription())
                  .startsWith("1 tasks ended neither with a result nor a dead letter");
            });
  }

  @Test
  void shouldKeepServingWhenTheDeadLetterStreamEndsWithAnAnswerOfTheServer() throws Exception {
    // given
    TaskSession session =
        grid.client.openSession(SessionOptions.forApp("echo").batchSize(1).build());
    FakeQueue.TaskStream stream = node.nextTaskStream();
    FakeQueue.DeadLetterStream letters = node.nextDeadLetterStream();

    // when
    letters.fail(Status.NOT_FOUND.withDescription("no dead letters here"));
    session.submit("t1", bytes("x"));

    // then
    Batch batch = stream.nextBatch();
    stream.deliver(results("delivery-1", "t1"));
    assertThat(batch.getMessagesCount()).isEqualTo(1);
    assertThat(session.take().succeeded()).isTrue();
    assertThat(session.failovers()).isZero();
  }
}
