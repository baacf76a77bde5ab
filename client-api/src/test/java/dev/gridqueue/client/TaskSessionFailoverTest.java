package dev.gridqueue.client;

import static dev.gridqueue.client.FakeQueue.results;
import static dev.gridqueue.client.TaskSessionSendingTest.bytes;
import static dev.gridqueue.client.TaskSessionSendingTest.ids;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.proto.v1.Batch;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Failover between two in-process fake nodes, with time moved by hand. */
class TaskSessionFailoverTest {
  private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(10);

  private FakeGrid grid;
  private FakeQueue first;
  private FakeQueue second;

  @BeforeEach
  void startGrid() throws Exception {
    grid = new FakeGrid(2, GIVE_UP_AFTER);
    first = grid.node(0);
    second = grid.node(1);
  }

  @AfterEach
  void stopGrid() throws Exception {
    grid.close();
  }

  @Test
  void shouldReattachToTheNextNodeAndSendAgainEveryTaskThatHadNotEnded() throws Exception {
    // given: three tasks sent to the first node, one of them ended
    TaskSession session =
        grid.client.openSession(SessionOptions.forApp("echo").batchSize(2).build());
    FakeQueue.TaskStream broken = first.nextTaskStream();
    session.submit("t1", bytes("p1"));
    session.submit("t2", bytes("p2"));
    session.submit("t3", bytes("p3"));
    session.flush();
    broken.nextBatch();
    broken.nextBatch();
    broken.deliver(results("delivery-1", "t1"));
    assertThat(session.take().taskId()).isEqualTo("t1");

    // when: the node becomes unreachable, and the first attempt (no back-off) runs
    broken.fail(Status.UNAVAILABLE.withDescription("node gone"));
    awaitReattachScheduled();
    grid.time.advance(Duration.ZERO);

    // then: the second node gets the session's streams and the two unfinished tasks again
    FakeQueue.TaskStream stream = second.nextTaskStream();
    assertThat(stream.sessionHeader).isEqualTo(FakeQueue.SESSION_ID);
    assertThat(second.nextDeadLetterStream().sessionId).isEqualTo(FakeQueue.SESSION_ID);
    Batch resent = stream.nextBatch();
    assertThat(ids(resent)).containsExactlyInAnyOrder("t2", "t3");
    assertThat(resent.getMessagesList())
        .extracting(m -> m.getPayload().toStringUtf8())
        .containsExactlyInAnyOrder("p2", "p3");
    assertThat(resent.getId()).as("a new batch id").isEqualTo("3");
    assertThat(resent.getAckDeliveryIdsList())
        .as("the acknowledgement waiting rides on it")
        .containsExactly("delivery-1");

    // and when: the new node answers everything, t1 again too
    stream.deliver(results("delivery-2", "t1", "t2", "t3"));

    // then: each task reached the caller once
    assertThat(List.of(session.take().taskId(), session.take().taskId()))
        .containsExactlyInAnyOrder("t2", "t3");
    assertThat(session.poll(Duration.ZERO)).isNull();
    assertThat(session.duplicatesDropped()).isEqualTo(1);
    assertThat(session.failovers()).isEqualTo(1);
    // and new tasks go to the new node
    session.submit("t4", bytes("p4"));
    session.flush();
    assertThat(ids(stream.nextBatch())).containsExactly("t4");
  }

  @Test
  void shouldSendTasksAgainWithTheSharedDataLevelTheirBatchNamed() throws Exception {
    // given
    TaskSession session =
        grid.client.openSession(SessionOptions.forApp("echo").batchSize(10).build());
    FakeQueue.TaskStream broken = first.nextTaskStream();
    session.useSharedData(1);
    session.submit("reads-level-1", bytes("x"));
    session.useNoSharedData();
    session.submit("plain", bytes("x"));
    session.flush();
    broken.nextBatch();
    broken.nextBatch();

    // when
    broken.fail(Status.UNAVAILABLE);
    awaitReattachScheduled();
    grid.time.advance(Duration.ZERO);

    // then: one batch per level
    FakeQueue.TaskStream stream = second.nextTaskStream();
    List<Batch> resent = List.of(stream.nextBatch(), stream.nextBatch());
    Batch shared = resent.stream().filter(Batch::getUseSharedData).findFirst().orElseThrow();
    Batch plain = resent.stream().filter(b -> !b.hasUseSharedData()).findFirst().orElseThrow();
    assertThat(ids(shared)).containsExactly("reads-level-1");
    assertThat(shared.getRequiredSharedDataUpdateLevel()).isEqualTo(1);
    assertThat(ids(plain)).containsExactly("plain");
  }

  @Test
  void shouldHalfCloseTheNewStreamAfterSendingAgainWhenTheCallerFinishedSendingMeanwhile()
      throws Exception {
    // given: the stream broke and the re-attach has not run yet
    TaskSession session =
        grid.client.openSession(SessionOptions.forApp("echo").batchSize(1).build());
    FakeQueue.TaskStream broken = first.nextTaskStream();
    session.submit("t1", bytes("x"));
    broken.nextBatch();
    broken.fail(Status.UNAVAILABLE);
    awaitReattachScheduled();

    // when
    session.finishSending();
    grid.time.advance(Duration.ZERO);

    // then
    FakeQueue.TaskStream stream = second.nextTaskStream();
    assertThat(ids(stream.nextBatch())).containsExactly("t1");
    stream.halfClosed.get(10, TimeUnit.SECONDS);
    stream.deliver(results("delivery-1", "t1"));
    stream.complete();
    assertThat(session.take().taskId()).isEqualTo("t1");
    assertThat(session.take()).isNull();
  }

  @Test
  void shouldFailOverWhenTheServerCancelsTheStream() throws Exception {
    // given
    TaskSession session =
        grid.client.openSession(SessionOptions.forApp("echo").batchSize(1).build());
    FakeQueue.TaskStream stream = first.nextTaskStream();
    session.submit("t1", bytes("x"));
    stream.nextBatch();

    // when: cancelled, but not by this client (the node is going away)
    stream.fail(Status.CANCELLED.withDescription("server shutting down"));
    awaitReattachScheduled();
    grid.time.advance(Duration.ZERO);

    // then
    assertThat(ids(second.nextTaskStream().nextBatch())).containsExactly("t1");
    assertThat(session.failovers()).isEqualTo(1);
  }

  @Test
  void shouldFailOverWhenTheServerCancelsTheDeadLetterStream() throws Exception {
    // given
    TaskSession session =
        grid.client.openSession(SessionOptions.forApp("echo").batchSize(1).build());
    FakeQueue.TaskStream stream = first.nextTaskStream();
    FakeQueue.DeadLetterStream letters = first.nextDeadLetterStream();
    session.submit("t1", bytes("x"));
    stream.nextBatch();

    // when: the node going away cancels the dead-letter stream first
    letters.fail(Status.CANCELLED.withDescription("server shutting down"));
    awaitReattachScheduled();
    grid.time.advance(Duration.ZERO);

    // then: both streams move, so dead letters keep arriving
    stream.cancelled.get(10, TimeUnit.SECONDS);
    assertThat(ids(second.nextTaskStream().nextBatch())).containsExactly("t1");
    assertThat(second.nextDeadLetterStream().sessionId).isEqualTo(FakeQueue.SESSION_ID);
    assertThat(session.failovers()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(
      value = Status.Code.class,
      names = {"INTERNAL", "UNKNOWN", "ABORTED", "NOT_FOUND", "INVALID_ARGUMENT"})
  void shouldEndTheSessionWithTheStatusWhenTheServerAnswersWithAnError(Status.Code code)
      throws Exception {
    // given
    TaskSession session =
        grid.client.openSession(SessionOptions.forApp("echo").batchSize(1).build());
    FakeQueue.TaskStream stream = first.nextTaskStream();
    FakeQueue.DeadLetterStream letters = first.nextDeadLetterStream();
    session.submit("t1", bytes("x"));
    stream.nextBatch();

    // when: a server bug or refusal, not an outage
    stream.fail(Status.fromCode(code).withDescription("the server says no"));

    // then: the caller gets that status; nothing is re-attached or sent again
    GridQueueException failure = catchThrowableOfType(GridQueueException.class, session::take);
    assertThat(failure.status().getCode()).isEqualTo(code);
    assertThat(failure.status().getDescription()).isEqualTo("the server says no");
    assertThat(grid.time.scheduled()).as("no re-attach scheduled").isZero();
    assertThat(second.hasNewTaskStream()).isFalse();
    assertThat(session.failovers()).isZero();
    letters.cancelled.get(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> session.submit("t2", bytes("x"))).isSameAs(failure);
  }

  @Test
  void shouldGiveUpWhenNoNodeAnswersForTheGiveUpTime() throws Exception {
    // given: a task in flight, then both nodes go away
    TaskSession session =
        grid.client.openSession(SessionOptions.forApp("echo").batchSize(1).build());
    first.nextTaskStream();
    session.submit("t1", bytes("x"));
    grid.stop(0);
    grid.stop(1);

    // when: every attempt fails, backing off 0, 100, 200, 400, 800, 1,600 ms, then 2 s
    List<Long> attemptsAtMillis = new ArrayList<>();
    GridQueueException failure = null;
    while (failure == null && attemptsAtMillis.size() < 50) {
      awaitNextAttemptScheduled();
      grid.time.advanceToNextTask();
      attemptsAtMillis.add(grid.time.millis());
      failure = catchThrowableOfType(GridQueueException.class, () -> session.poll(Duration.ZERO));
    }

    // then
    assertThat(attemptsAtMillis)
        .containsExactly(0L, 100L, 300L, 700L, 1_500L, 3_100L, 5_100L, 7_100L, 9_100L, 11_100L);
    assertThat(failure.status().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(failure.status().getDescription())
        .startsWith(
            "gave up re-attaching session "
                + FakeQueue.SESSION_ID
                + ": none of the 2 grid node addresses answered for 10 s");
    assertThat(session.failovers()).as("attempts that opened streams").isEqualTo(9);
    assertThat(grid.time.scheduled()).isZero();
  }

  @Test
  void shouldNotFailOverWhenTheCallerClosesTheSession() throws Exception {
    // given
    TaskSession session =
        grid.client.openSession(SessionOptions.forApp("echo").batchSize(1).build());
    FakeQueue.TaskStream stream = first.nextTaskStream();
    FakeQueue.DeadLetterStream letters = first.nextDeadLetterStream();
    session.submit("t1", bytes("x"));
    stream.nextBatch();

    // when
    session.close();

    // then: both streams cancelled, the session closed on the server, and nothing more
    stream.cancelled.get(10, TimeUnit.SECONDS);
    letters.cancelled.get(10, TimeUnit.SECONDS);
    assertThat(first.closedSessions).containsExactly(FakeQueue.SESSION_ID);
    assertThat(session.take()).isNull();
    assertThat(grid.time.scheduled()).isZero();
    assertThat(second.hasNewTaskStream()).isFalse();
    assertThatThrownBy(() -> session.submit("t2", bytes("x")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldCloseQuietlyWhenTheServerNoLongerKnowsTheSession() throws Exception {
    // given
    TaskSession session = grid.client.openSession(SessionOptions.forApp("echo").build());
    first.answerCloseSessionWith(Status.NOT_FOUND.withDescription("unknown session"));

    // when
    session.close();
    session.close();

    // then
    assertThat(first.closedSessions).hasSize(2);
    assertThat(session.poll(Duration.ZERO)).isNull();
  }

  /** Waits for the broken stream's error to reach the session: it schedules a re-attach now. */
  private void awaitReattachScheduled() {
    await("a re-attach scheduled")
        .atMost(Duration.ofSeconds(10))
        .until(() -> grid.time.dueWithin(Duration.ZERO) > 0);
  }

  /** Waits for the failed attempt's error: it schedules the next attempt (the only task then). */
  private void awaitNextAttemptScheduled() {
    await("the next attempt scheduled")
        .atMost(Duration.ofSeconds(10))
        .until(() -> grid.time.scheduled() > 0);
  }
}
