package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.GridQueueException;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.SharedDataClient;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.proto.v1.CacheGrpc;
import dev.gridqueue.proto.v1.SharedData;
import dev.gridqueue.worker.apps.SharedDigestHandler;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Versioned shared data through the gRPC contract and the Java client, on a real grid. */
class SharedDataIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid();

  private final GridQueueClient client = new GridQueueClient(grid.newChannel());

  @Test
  void shouldRoundTripSetGetUpdateAndDelete() {
    try (TaskSession session = client.openSession(SessionOptions.forApp("echo").build())) {
      SharedDataClient shared = session.sharedData();

      shared.set(1, bytes("one"), Duration.ofMinutes(1));
      shared.update(2, bytes("two"), Duration.ofMinutes(1));

      assertThat(shared.get(1)).asString().isEqualTo("one");
      assertThat(shared.get(2)).asString().isEqualTo("two");
      assertThat(shared.latestLevel()).isEqualTo(2);

      shared.delete();
      assertThatThrownBy(() -> shared.get(2))
          .isInstanceOfSatisfying(
              GridQueueException.class,
              e -> {
                assertThat(e.status().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                assertThat(e.status().getDescription())
                    .isEqualTo("shared data not found for session " + session.id() + " (level 2)");
              });
    }
  }

  @Test
  void shouldRefuseAnUpdateThatIsNotLatestPlusOne() {
    try (TaskSession session = client.openSession(SessionOptions.forApp("echo").build())) {
      SharedDataClient shared = session.sharedData();
      shared.set(1, bytes("one"), Duration.ofMinutes(1));

      assertThatThrownBy(() -> shared.update(3, bytes("three"), Duration.ofMinutes(1)))
          .isInstanceOfSatisfying(
              GridQueueException.class,
              e -> {
                assertThat(e.status().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                assertThat(e.status().getDescription())
                    .isEqualTo("update level mismatch: expected 2, got 3");
              });
    }
  }

  @Test
  void shouldRefuseATtlAboveTheMaximumNamingIt() {
    try (TaskSession session = client.openSession(SessionOptions.forApp("echo").build())) {
      assertThatThrownBy(() -> session.sharedData().set(1, bytes("x"), Duration.ofSeconds(601)))
          .isInstanceOfSatisfying(
              GridQueueException.class,
              e -> {
                assertThat(e.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.status().getDescription()).contains("maximum of 600 s");
              });
    }
  }

  @Test
  void shouldForgetALevelWhenItsTtlExpires() {
    try (TaskSession session = client.openSession(SessionOptions.forApp("echo").build())) {
      SharedDataClient shared = session.sharedData();
      shared.set(1, bytes("short-lived"), Duration.ofSeconds(1));
      assertThat(shared.get(1)).asString().isEqualTo("short-lived");

      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> assertThatThrownBy(() -> shared.get(1)).hasMessageContaining("NOT_FOUND"));
    }
  }

  @Test
  void shouldRefuseSharedDataOfAnUnknownSession() {
    CacheGrpc.CacheBlockingStub cache = CacheGrpc.newBlockingStub(grid.newChannel());

    assertThatThrownBy(
            () ->
                cache.setSharedData(
                    SharedData.newBuilder()
                        .setSessionId("nope")
                        .setUpdateLevel(1)
                        .setPayload(ByteString.copyFromUtf8("x"))
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void shouldRunTasksOfTwoLevelsAliveAtOnce() throws Exception {
    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp(SharedDigestHandler.APP_ID).batchSize(10).build())) {
      byte[] one = bytes("parameters, iteration 1");
      byte[] two = bytes("parameters, iteration 2 (longer)");
      session.sharedData().set(1, one, Duration.ofMinutes(1));
      session.useSharedData(1);
      for (int i = 0; i < 50; i++) {
        session.submit("a" + i, new byte[0]);
      }
      session.sharedData().update(2, two, Duration.ofMinutes(1));
      session.useSharedData(2);
      for (int i = 0; i < 50; i++) {
        session.submit("b" + i, new byte[0]);
      }
      session.flush();

      List<TaskResult> results = session.awaitResults(100, Duration.ofSeconds(30));

      assertThat(results).allSatisfy(r -> assertThat(r.error()).isNull());
      assertThat(results.stream().filter(r -> r.taskId().startsWith("a")))
          .allSatisfy(
              r ->
                  assertThat(r.payload())
                      .asString()
                      .isEqualTo("1 " + SharedDigestHandler.digest(one)));
      assertThat(results.stream().filter(r -> r.taskId().startsWith("b")))
          .allSatisfy(
              r ->
                  assertThat(r.payload())
                      .asString()
                      .isEqualTo("2 " + SharedDigestHandler.digest(two)));
    }
  }

  @Test
  void shouldFailTasksOfABatchWhoseLevelDoesNotExist() throws Exception {
    try (TaskSession session =
        client.openSession(SessionOptions.forApp(SharedDigestHandler.APP_ID).build())) {
      session.useSharedData(9);
      session.submit("t", new byte[0]);
      session.flush();

      TaskResult result = session.awaitResults(1, Duration.ofSeconds(30)).get(0);

      assertThat(result.error())
          .isEqualTo("shared data not found for session " + session.id() + " (level 9)");
    }
  }

  @Test
  void shouldCarryA100MegabyteLevelToTasks() throws Exception {
    byte[] big = new byte[100 << 20];
    new Random(7).nextBytes(big);
    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp(SharedDigestHandler.APP_ID).batchSize(100).build())) {
      session.sharedData().set(1, big, Duration.ofMinutes(2));
      session.useSharedData(1);
      for (int i = 0; i < 1000; i++) {
        session.submit("t" + i, new byte[0]);
      }
      session.flush();
      List<TaskResult> results = session.awaitResults(1000, Duration.ofSeconds(120));

      String expected = "1 " + SharedDigestHandler.digest(big);
      assertThat(results).allSatisfy(r -> assertThat(r.payload()).asString().isEqualTo(expected));
      assertThat(session.sharedData().get(1)).isEqualTo(big);
    }
  }

  @Test
  void shouldRemoveSharedDataWhenTheSessionCloses() {
    TaskSession session = client.openSession(SessionOptions.forApp("echo").build());
    session.sharedData().set(1, bytes("x"), Duration.ofMinutes(1));
    SharedDataClient shared = session.sharedData();

    session.close();

    assertThatThrownBy(() -> shared.get(1)).hasMessageContaining("NOT_FOUND");
  }

  @Test
  void shouldRemoveTheSessionAndItsSharedDataWhenItsClientExits() throws Exception {
    var queue = dev.gridqueue.proto.v1.QueueGrpc.newBlockingStub(grid.newChannel());
    var created =
        queue.createSession(
            SessionOptions.forApp("echo").cleanupOnClientExit(true).build().toRequest());
    SharedDataClient shared = client.sharedData(created.getId());
    shared.set(1, bytes("x"), Duration.ofMinutes(1));
    RawStreamCall stream =
        RawStreamCall.withSessionHeader(
            dev.gridqueue.proto.v1.QueueGrpc.newStub(grid.newChannel()), created.getId());

    stream.requests.onError(new RuntimeException("client crashed")); // cancels the call

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> queue.closeSession(created))
                    .hasMessageContaining("NOT_FOUND"));
    assertThatThrownBy(() -> shared.get(1)).hasMessageContaining("NOT_FOUND");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static Set<String> ids(List<TaskResult> results) {
    return results.stream().map(TaskResult::taskId).collect(Collectors.toSet());
  }
}
