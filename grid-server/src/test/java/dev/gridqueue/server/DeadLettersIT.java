package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.gridqueue.grid.store.BatchState;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.proto.v1.App;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.Session;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ClientStreamDeadLetters: dead-letter entries ({@code <batch key>#dead}, state DEAD) are sent with
 * a delivery id, leave the grid once acknowledged on the ClientStream, are sent again to the next
 * dead-letter stream if not, and the stream completes when the session closes. The grid has no
 * worker: entries are put by the test, as the executing side would.
 */
class DeadLettersIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(0);

  @Test
  void shouldAnswerNotFoundForAnUnknownSessionAndInvalidArgumentForAnEmptyId() {
    QueueGrpc.QueueBlockingStub queue = QueueGrpc.newBlockingStub(grid.newChannel());

    StatusRuntimeException unknown =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                queue
                    .clientStreamDeadLetters(Session.newBuilder().setId("no-such-session").build())
                    .hasNext());
    StatusRuntimeException empty =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> queue.clientStreamDeadLetters(Session.getDefaultInstance()).hasNext());

    assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(unknown.getStatus().getDescription()).contains("no-such-session");
    assertThat(empty.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(empty.getStatus().getDescription()).contains("id");
  }

  @Test
  void shouldSendWaitingAndNewDeadLettersAndRemoveThemOnceAcknowledged() throws Exception {
    // given: one dead-letter entry waiting before the stream opens
    QueueGrpc.QueueBlockingStub queue = QueueGrpc.newBlockingStub(grid.newChannel());
    Session session = newSession(queue);
    String waiting = putDeadLetters(session, "b1", "t1", "t2");
    DeadLetterCall letters = new DeadLetterCall(QueueGrpc.newStub(grid.newChannel()), session);

    // when: another arrives while it is open
    await("waiting dead letters")
        .atMost(Duration.ofSeconds(20))
        .until(() -> letters.received.size() == 1);
    String arriving = putDeadLetters(session, "b2", "t3");

    // then
    await("new dead letters")
        .atMost(Duration.ofSeconds(20))
        .until(() -> letters.received.size() == 2);
    Batch first = letters.received.get(0);
    assertThat(first.getDead()).isTrue();
    assertThat(first.getDeliveryId()).isEqualTo(waiting);
    assertThat(first.getMessagesList()).extracting(Message::getId).containsExactly("t1", "t2");
    assertThat(first.getMessages(0).getError()).isEqualTo("handler failed: t1");
    assertThat(first.getMessages(0).getAttempts()).isEqualTo(1);
    assertThat(letters.received.get(1).getDeliveryId()).isEqualTo(arriving);

    // when: the client acknowledges both on its ClientStream (an acknowledgement-only batch)
    RawStreamCall stream =
        RawStreamCall.withSessionHeader(QueueGrpc.newStub(grid.newChannel()), session.getId());
    stream.ack(List.of(waiting, arriving));

    // then: they leave the grid, and the ClientStream was not failed by a batch without tasks
    await("acknowledged dead letters removed")
        .atMost(Duration.ofSeconds(10))
        .until(() -> GridBatches.ofSession(grid, session.getId()).isEmpty());
    assertThat(stream.end).isNotDone();
    stream.requests.onCompleted();
    assertThat(stream.awaitEnd(Duration.ofSeconds(10)).getCode()).isEqualTo(Status.Code.OK);
    letters.cancel();
    queue.closeSession(session);
  }

  @Test
  void shouldSendUnacknowledgedDeadLettersAgainToTheNextStream() throws Exception {
    // given: a dead letter received and not acknowledged
    QueueGrpc.QueueBlockingStub queue = QueueGrpc.newBlockingStub(grid.newChannel());
    Session session = newSession(queue);
    String key = putDeadLetters(session, "b1", "t1");
    DeadLetterCall first = new DeadLetterCall(QueueGrpc.newStub(grid.newChannel()), session);
    await().atMost(Duration.ofSeconds(20)).until(() -> first.received.size() == 1);

    // when: that stream breaks and another opens
    first.cancel();
    DeadLetterCall second = new DeadLetterCall(QueueGrpc.newStub(grid.newChannel()), session);

    // then
    await("sent again").atMost(Duration.ofSeconds(20)).until(() -> second.received.size() == 1);
    assertThat(second.received.get(0).getDeliveryId()).isEqualTo(key);
    assertThat(GridBatches.cache(grid).get(key))
        .as("still waiting for its acknowledgement")
        .isNotNull();
    second.cancel();
    queue.closeSession(session);
  }

  @Test
  void shouldCompleteTheDeadLetterStreamWhenTheSessionCloses() throws Exception {
    // given
    QueueGrpc.QueueBlockingStub queue = QueueGrpc.newBlockingStub(grid.newChannel());
    Session session = newSession(queue);
    DeadLetterCall letters = new DeadLetterCall(QueueGrpc.newStub(grid.newChannel()), session);
    putDeadLetters(session, "b1", "t1");
    await().atMost(Duration.ofSeconds(20)).until(() -> letters.received.size() == 1);

    // when
    queue.closeSession(session);

    // then
    assertThat(letters.end.get(10, java.util.concurrent.TimeUnit.SECONDS).getCode())
        .isEqualTo(Status.Code.OK);
  }

  @Test
  void shouldCountADoneBatchWithoutResultsAsAnsweredAndSendNothing() throws Exception {
    // given: a task batch accepted on a stream (no worker runs it here)
    QueueGrpc.QueueBlockingStub queue = QueueGrpc.newBlockingStub(grid.newChannel());
    Session session = newSession(queue);
    RawStreamCall call = new RawStreamCall(QueueGrpc.newStub(grid.newChannel()));
    call.requests.onNext(
        Batch.newBuilder()
            .setSessionId(session.getId())
            .addMessages(
                Message.newBuilder().setId("doomed").setPayload(ByteString.copyFromUtf8("x")))
            .build());
    call.requests.onCompleted();
    await("accepted")
        .atMost(Duration.ofSeconds(10))
        .until(() -> GridBatches.ofSession(grid, session.getId()).size() == 1);
    Map.Entry<String, StoredBatch> queued =
        GridBatches.ofSession(grid, session.getId()).entrySet().iterator().next();

    // when: its only task ends as a dead letter, so the done batch carries no result
    GridBatches.writeAsAWorker(grid, queued.getKey() + "#dead", deadEntry(session, "doomed"));
    GridBatches.writeAsAWorker(
        grid,
        queued.getKey(),
        queued
            .getValue()
            .done(
                1,
                Batch.newBuilder().setSessionId(session.getId()).build().toByteArray(),
                System.currentTimeMillis()));

    // then: the stream completes without sending a result batch; the dead letter waits
    assertThat(call.awaitEnd(Duration.ofSeconds(20)).getCode()).isEqualTo(Status.Code.OK);
    assertThat(call.received).isEmpty();
    await("empty done batch removed")
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                GridBatches.ofSession(grid, session.getId())
                    .keySet()
                    .equals(java.util.Set.of(queued.getKey() + "#dead")));
    queue.closeSession(session);
  }

  @Test
  void shouldHandDeadLettersToTheJavaClientAcknowledgeThemAndResubmitUnderANewId()
      throws Exception {
    // given: a task whose batch ends with its only task dead-lettered
    dev.gridqueue.client.GridQueueClient client =
        new dev.gridqueue.client.GridQueueClient(grid.newChannel());
    try (dev.gridqueue.client.TaskSession session =
        client.openSession(dev.gridqueue.client.SessionOptions.forApp("echo").build())) {
      session.submit("doomed", "x".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      session.flush();
      String batchKey = dieAsTheExecutingSideWould(session.session(), "doomed");

      // when
      dev.gridqueue.client.TaskResult letter =
          session.awaitResults(1, Duration.ofSeconds(20)).get(0);

      // then: a dead letter, acknowledged by the client, so it leaves the grid
      assertThat(letter.taskId()).isEqualTo("doomed");
      assertThat(letter.isDeadLetter()).isTrue();
      assertThat(letter.succeeded()).isFalse();
      assertThat(letter.error()).isEqualTo("handler failed: doomed");
      assertThat(letter.attempts()).isEqualTo(1);
      await("acknowledged dead letter and empty done batch removed")
          .atMost(Duration.ofSeconds(10))
          .until(() -> GridBatches.ofSession(grid, session.id()).isEmpty());

      // when: the caller runs it again
      String again =
          session.resubmit(letter, "x".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      session.flush();

      // then
      assertThat(again).isEqualTo("doomed~r1");
      await("resubmitted task queued")
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  GridBatches.ofSession(grid, session.id()).values().stream()
                      .anyMatch(
                          b -> b.state() == BatchState.QUEUED && tasksOf(b).contains("doomed~r1")));
      assertThat(batchKey).isNotEmpty();
    }
  }

  @Test
  void shouldEndTheJavaClientsSessionWhenTheLastTaskEndsAsADeadLetter() throws Exception {
    // given
    dev.gridqueue.client.GridQueueClient client =
        new dev.gridqueue.client.GridQueueClient(grid.newChannel());
    try (dev.gridqueue.client.TaskSession session =
        client.openSession(dev.gridqueue.client.SessionOptions.forApp("echo").build())) {
      session.submit("doomed", "x".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      session.finishSending();

      // when
      dieAsTheExecutingSideWould(session.session(), "doomed");

      // then: the dead letter, then the end (the caller waiting for 1 task is not stuck)
      dev.gridqueue.client.TaskResult letter = session.poll(Duration.ofSeconds(20));
      assertThat(letter).isNotNull();
      assertThat(letter.isDeadLetter()).isTrue();
      assertThat(session.poll(Duration.ofSeconds(20))).as("the session ends").isNull();
    }
  }

  /** Finds the session's queued batch, dead-letters its task and marks it done without results. */
  private static String dieAsTheExecutingSideWould(Session session, String taskId) {
    await("accepted")
        .atMost(Duration.ofSeconds(10))
        .until(() -> GridBatches.ofSession(grid, session.getId()).size() == 1);
    Map.Entry<String, StoredBatch> queued =
        GridBatches.ofSession(grid, session.getId()).entrySet().iterator().next();
    GridBatches.writeAsAWorker(grid, queued.getKey() + "#dead", deadEntry(session, taskId));
    GridBatches.writeAsAWorker(
        grid,
        queued.getKey(),
        queued
            .getValue()
            .done(
                1,
                Batch.newBuilder().setSessionId(session.getId()).build().toByteArray(),
                System.currentTimeMillis()));
    return queued.getKey();
  }

  private static List<String> tasksOf(StoredBatch batch) {
    try {
      return Batch.parseFrom(batch.payload()).getMessagesList().stream()
          .map(Message::getId)
          .toList();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Session newSession(QueueGrpc.QueueBlockingStub queue) {
    return queue.createSession(Session.newBuilder().setApp(App.newBuilder().setId("echo")).build());
  }

  /** Puts a dead-letter entry as the executing side does; returns its key. */
  private static String putDeadLetters(Session session, String batchUid, String... taskIds) {
    String key = session.getId() + "/" + batchUid + "#dead";
    GridBatches.writeAsAWorker(grid, key, deadEntry(session, taskIds));
    return key;
  }

  private static StoredBatch deadEntry(Session session, String... taskIds) {
    Batch.Builder letters = Batch.newBuilder().setSessionId(session.getId()).setDead(true);
    for (String id : taskIds) {
      letters.addMessages(
          Message.newBuilder()
              .setId(id)
              .setRelatedId(id)
              .setError("handler failed: " + id)
              .setAttempts(1));
    }
    return StoredBatch.queued(session.getId(), 0, 0, new byte[0])
        .deadLetters(1, letters.build().toByteArray(), taskIds.length, System.currentTimeMillis());
  }

  /** A ClientStreamDeadLetters call recording what arrives. */
  private static final class DeadLetterCall implements ClientResponseObserver<Session, Batch> {
    final List<Batch> received = new CopyOnWriteArrayList<>();
    final CompletableFuture<Status> end = new CompletableFuture<>();
    private volatile ClientCallStreamObserver<Session> call;

    DeadLetterCall(QueueGrpc.QueueStub stub, Session session) {
      stub.clientStreamDeadLetters(Session.newBuilder().setId(session.getId()).build(), this);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Session> requestStream) {
      call = requestStream;
    }

    void cancel() {
      call.cancel("test cancels", null);
    }

    @Override
    public void onNext(Batch value) {
      received.add(value);
    }

    @Override
    public void onError(Throwable t) {
      end.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      end.complete(Status.OK);
    }
  }
}
