package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.Timestamps;
import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.grid.store.BatchState;
import dev.gridqueue.proto.v1.App;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.Session;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EndToEndIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid();

  @Test
  void shouldReturnEveryResultExactlyOnceFor10000Tasks() throws Exception {
    // given
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    int tasks = 10_000;
    try (TaskSession session =
        client.openSession(SessionOptions.forApp("echo").batchSize(100).build())) {
      // when
      for (int i = 0; i < tasks; i++) {
        session.submit("task-" + i, ("payload-" + i).getBytes(StandardCharsets.UTF_8));
      }
      session.finishSending();
      List<TaskResult> results = session.awaitResults(tasks, Duration.ofSeconds(60));

      // then
      Map<String, String> byId = new HashMap<>();
      for (TaskResult r : results) {
        assertThat(r.succeeded()).as("task %s error %s", r.taskId(), r.error()).isTrue();
        // where it ran (sent once per result batch) and how long (on each result)
        assertThat(r.run().getWorkerId()).as(r.taskId()).isEqualTo(grid.name() + "-local");
        assertThat(r.run().getHost()).as(r.taskId()).isNotEmpty();
        assertThat(r.run().getAttempt()).as(r.taskId()).isEqualTo(1);
        assertThat(Timestamps.compare(r.run().getStarted(), r.run().getEnded()))
            .as(r.taskId())
            .isLessThanOrEqualTo(0);
        assertThat(r.run().getStarted().getSeconds()).as(r.taskId()).isPositive();
        assertThat(byId.put(r.taskId(), new String(r.payload(), StandardCharsets.UTF_8)))
            .as("duplicate result for %s", r.taskId())
            .isNull();
      }
      assertThat(byId).hasSize(tasks);
      for (int i = 0; i < tasks; i++) {
        assertThat(byId.get("task-" + i)).isEqualTo("payload-" + i);
      }
      assertThat(session.poll(Duration.ofSeconds(2)))
          .as("stream ends after the last result")
          .isNull();
    }
  }

  @Test
  void shouldAnswerEachClientBatchWithItsOwnResultBatchWhenSmallBatchesAreCoalesced()
      throws Exception {
    // given: many single-task batches in a burst, so the frontend coalesces them in the grid
    QueueGrpc.QueueBlockingStub queue = QueueGrpc.newBlockingStub(grid.newChannel());
    Session session =
        queue.createSession(Session.newBuilder().setApp(App.newBuilder().setId("echo")).build());
    RawStreamCall call = new RawStreamCall(QueueGrpc.newStub(grid.newChannel()));
    int batches = 2000;

    // when
    for (int i = 0; i < batches; i++) {
      call.requests.onNext(
          Batch.newBuilder()
              .setId("b" + i)
              .setSessionId(session.getId())
              .setPriority(i % 3 == 0 ? 1 : 0)
              .addMessages(
                  Message.newBuilder().setId("t" + i).setPayload(ByteString.copyFromUtf8("p" + i)))
              .build());
    }
    call.requests.onCompleted();

    // then
    assertThat(call.awaitEnd(Duration.ofSeconds(60)).getCode()).isEqualTo(Status.Code.OK);
    assertThat(call.received).hasSize(batches);
    Set<String> seen = new HashSet<>();
    for (Batch result : call.received) {
      assertThat(result.getMessagesCount()).isEqualTo(1);
      String n = result.getId().substring(1);
      assertThat(result.getMessages(0).getId()).isEqualTo("t" + n);
      assertThat(result.getMessages(0).getPayload().toStringUtf8()).isEqualTo("p" + n);
      assertThat(seen.add(result.getId())).isTrue();
    }
    queue.closeSession(session);
  }

  @Test
  void shouldHoldResultsInTheGridWhileTheClientReadsNothingAndDeliverThemAllLater()
      throws Exception {
    // given: a client that asks for no results at first
    QueueGrpc.QueueBlockingStub queue = QueueGrpc.newBlockingStub(grid.newChannel());
    Session session =
        queue.createSession(Session.newBuilder().setApp(App.newBuilder().setId("echo")).build());
    List<Batch> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.CompletableFuture<Void> completed =
        new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.atomic.AtomicReference<io.grpc.stub.ClientCallStreamObserver<Batch>> call =
        new java.util.concurrent.atomic.AtomicReference<>();
    io.grpc.stub.StreamObserver<Batch> requests =
        QueueGrpc.newStub(grid.newChannel())
            .clientStream(
                new io.grpc.stub.ClientResponseObserver<Batch, Batch>() {
                  @Override
                  public void beforeStart(io.grpc.stub.ClientCallStreamObserver<Batch> stream) {
                    call.set(stream);
                    stream.disableAutoRequestWithInitial(0);
                  }

                  @Override
                  public void onNext(Batch value) {
                    received.add(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    completed.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    completed.complete(null);
                  }
                });
    byte[] kilobyte = new byte[1024];
    int batches = 300;

    // when: 300 x 100 results of 1 KiB (30 MiB) complete while nobody reads
    for (int i = 0; i < batches; i++) {
      Batch.Builder b = Batch.newBuilder().setId("b" + i).setSessionId(session.getId());
      for (int t = 0; t < 100; t++) {
        b.addMessages(
            Message.newBuilder().setId(i + "-" + t).setPayload(ByteString.copyFrom(kilobyte)));
      }
      requests.onNext(b.build());
    }
    requests.onCompleted();
    // then: the results wait in the grid, not in the server's buffers (the client's transport
    // window holds at most a few batches)
    org.awaitility.Awaitility.await("results held in the grid")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                tasksInGrid(session.getId(), BatchState.QUEUED) == 0
                    && tasksInGrid(session.getId(), BatchState.DONE) >= batches * 100 - 5_000);
    assertThat(received).isEmpty();

    // when: the client reads
    call.get().request(Integer.MAX_VALUE);

    // then: every result, once
    try {
      completed.get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      // seen to time out in some full runs (not reproduced alone): say what is left
      int n = received.stream().mapToInt(Batch::getMessagesCount).sum();
      System.out.println(
          "DEBUG stuck: received batches="
              + received.size()
              + " tasks="
              + n
              + " done in grid="
              + tasksInGrid(session.getId(), BatchState.DONE)
              + " queued="
              + tasksInGrid(session.getId(), BatchState.QUEUED)
              + " ready="
              + call.get().isReady());
      Set<String> got = new HashSet<>();
      received.forEach(b -> b.getMessagesList().forEach(m -> got.add(m.getId())));
      int missing = 0;
      for (int i = 0; i < batches && missing < 20; i++) {
        for (int t = 0; t < 100; t++) {
          if (!got.contains(i + "-" + t)) {
            System.out.println("DEBUG missing " + i + "-" + t);
            missing++;
            break;
          }
        }
      }
      org.apache.ignite.IgniteCache<String, dev.gridqueue.grid.store.StoredBatch> cache =
          grid.server().ignite().cache(dev.gridqueue.grid.CacheNames.BATCHES);
      try (var cursor =
          cache.query(
              new org.apache.ignite.cache.query.ScanQuery<
                  String, dev.gridqueue.grid.store.StoredBatch>())) {
        for (var en : cursor) {
          if (en.getValue().sessionId().equals(session.getId())
              && en.getValue().state() != BatchState.DONE) {
            System.out.println(
                "DEBUG entry "
                    + en.getKey()
                    + " "
                    + en.getValue().state()
                    + " tasks="
                    + en.getValue().taskCount());
          }
        }
      }
      throw e;
    }
    Set<String> ids = new HashSet<>();
    received.forEach(
        b -> b.getMessagesList().forEach(m -> assertThat(ids.add(m.getId())).isTrue()));
    assertThat(ids).hasSize(batches * 100);
    queue.closeSession(session);
  }

  private static long tasksInGrid(String sessionId, BatchState state) {
    org.apache.ignite.IgniteCache<String, dev.gridqueue.grid.store.StoredBatch> cache =
        grid.server().ignite().cache(dev.gridqueue.grid.CacheNames.BATCHES);
    long done = 0;
    try (var cursor =
        cache.query(
            new org.apache.ignite.cache.query.ScanQuery<
                String, dev.gridqueue.grid.store.StoredBatch>())) {
      for (var e : cursor) {
        if (e.getValue().sessionId().equals(sessionId) && e.getValue().state() == state) {
          done += e.getValue().taskCount();
        }
      }
    }
    return done;
  }

  @Test
  void shouldKeepTwoSessionsOfDifferentAppsApart() throws Exception {
    // given
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    try (TaskSession echo =
            client.openSession(SessionOptions.forApp("echo").batchSize(10).build());
        TaskSession pi = client.openSession(SessionOptions.forApp("pi").batchSize(10).build())) {
      // when
      for (int i = 0; i < 200; i++) {
        echo.submit("echo-" + i, ("e" + i).getBytes(StandardCharsets.US_ASCII));
        pi.submit("pi-" + i, (i + " 1000").getBytes(StandardCharsets.US_ASCII));
      }
      echo.flush();
      pi.flush();
      List<TaskResult> echoResults = echo.awaitResults(200, Duration.ofSeconds(30));
      List<TaskResult> piResults = pi.awaitResults(200, Duration.ofSeconds(30));

      // then
      assertThat(echoResults).allSatisfy(r -> assertThat(r.taskId()).startsWith("echo-"));
      assertThat(echoResults)
          .allSatisfy(
              r -> assertThat(r.payload()).asString().isEqualTo("e" + r.taskId().substring(5)));
      assertThat(piResults).allSatisfy(r -> assertThat(r.taskId()).startsWith("pi-"));
      assertThat(piResults)
          .allSatisfy(
              r ->
                  assertThat(Long.parseLong(new String(r.payload(), StandardCharsets.US_ASCII)))
                      .isBetween(600L, 900L));
      assertThat(echo.poll(Duration.ofMillis(300))).isNull();
      assertThat(pi.poll(Duration.ofMillis(300))).isNull();
    }
  }

  @Test
  void shouldReportHandlerFailuresAsResultErrors() throws Exception {
    // given
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    try (TaskSession pi = client.openSession(SessionOptions.forApp("pi").build())) {
      // when
      pi.submit("bad", "not a number".getBytes(StandardCharsets.US_ASCII));
      pi.flush();
      TaskResult result = pi.awaitResults(1, Duration.ofSeconds(30)).get(0);

      // then
      assertThat(result.succeeded()).isFalse();
      assertThat(result.error()).contains("payload must be");
      assertThat(result.attempts()).isEqualTo(1);
    }
  }
}
