package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Java client given two addresses of the grid: the connection its session uses is cut mid-run
 * (every socket closed at once, as when the node dies); the session re-attaches through the other
 * address by itself, sends again what had not ended, gets the results it had not acknowledged
 * again, and the caller sees every task exactly once. (Killing real grid nodes is {@code
 * ChaosCommandIT}'s: an Ignite node stopping inside the test JVM trips Ignite's own assertions.)
 */
class ClientFailoverIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid();

  @Test
  void shouldReattachThroughTheOtherAddressAndDeliverEveryTaskOnce() throws Exception {
    // given: the first address is a proxy to the node, the second the node itself
    TcpProxy doomed = grid.closeAfter(new TcpProxy(grid.server().grpcPort()));
    GridQueueClient client =
        new GridQueueClient(
            List.of(grid.newChannel(doomed.port()), grid.newChannel(grid.server().grpcPort())),
            Duration.ofSeconds(60));
    int tasks = 2_000;
    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp("sleep").batchSize(10).maxInflightBatchesPerWorker(4).build())) {
      for (int i = 0; i < tasks; i++) {
        session.submit(
            "t" + i, "2".getBytes(StandardCharsets.US_ASCII)); // 2 ms each, ~2 s on 2 slots
      }
      session.finishSending();
      List<TaskResult> results = new ArrayList<>(session.awaitResults(200, Duration.ofSeconds(60)));

      // when: the session's connection breaks
      doomed.cut();
      for (TaskResult r; (r = session.poll(Duration.ofSeconds(60))) != null; ) {
        results.add(r);
      }

      // then
      Map<String, Integer> byId = new HashMap<>();
      results.forEach(r -> byId.merge(r.taskId(), 1, Integer::sum));
      assertThat(byId).hasSize(tasks);
      assertThat(byId.values()).as("no task delivered twice to the caller").allMatch(n -> n == 1);
      assertThat(results)
          .allSatisfy(r -> assertThat(r.succeeded()).as("%s: %s", r.taskId(), r.error()).isTrue());
      assertThat(session.failovers()).as("the session re-attached").isEqualTo(1);
      assertThat(session.duplicatesDropped())
          .as("tasks sent again ran again; their repeats were dropped")
          .isPositive();
    }
  }

  @Test
  void shouldTryTheNextAddressForCallsAnsweredUnavailable() throws Exception {
    // given: the first address leads nowhere any more
    TcpProxy gone = new TcpProxy(grid.server().grpcPort());
    gone.cut();
    GridQueueClient client =
        new GridQueueClient(
            List.of(grid.newChannel(gone.port()), grid.newChannel(grid.server().grpcPort())),
            Duration.ofSeconds(60));

    // when: unary calls, shared data and a session's tasks
    try (TaskSession session = client.openSession(SessionOptions.forApp("echo").build())) {
      session
          .sharedData()
          .set(1, "shared".getBytes(StandardCharsets.US_ASCII), Duration.ofMinutes(1));
      session.submit("t", "x".getBytes(StandardCharsets.US_ASCII));
      session.flush();

      // then: all of them went to the second address
      assertThat(session.sharedData().get(1)).asString().isEqualTo("shared");
      assertThat(session.awaitResults(1, Duration.ofSeconds(30)).get(0).succeeded()).isTrue();
      assertThat(client.stats().getGridNodes()).isEqualTo(1);
      assertThat(session.failovers())
          .as("the session's stream opened on the live address")
          .isZero();
    }
  }
}
