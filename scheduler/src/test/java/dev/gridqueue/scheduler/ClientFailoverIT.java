package dev.gridqueue.scheduler;

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
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Java client given two grid nodes: the node its session talks to stops mid-run; the session
 * re-attaches to the other by itself, sends again what had not ended, and the caller gets every
 * task exactly once.
 */
class ClientFailoverIT {
  @RegisterExtension
  static EmbeddedGrid grid = new EmbeddedGrid().failureDetection(Duration.ofSeconds(3));

  @Test
  void shouldContinueTheSessionOnTheOtherNodeAndDeliverEveryTaskOnce() throws Exception {
    // given: a second server with its own worker, which the client talks to first
    GridServer doomed = grid.startExtraServer(2);
    GridQueueClient client =
        new GridQueueClient(List.of(grid.newChannel(doomed), grid.newChannel(grid.server())), Duration.ofSeconds(60));
    int tasks = 2_000;
    try (TaskSession session =
        client.openSession(SessionOptions.forApp("sleep").batchSize(10).maxInflightBatchesPerWorker(4).build())) {
      for (int i = 0; i < tasks; i++) {
        session.submit("t" + i, "4".getBytes(StandardCharsets.US_ASCII)); // 4 ms each
      }
      session.finishSending();
      List<TaskResult> results = new ArrayList<>(session.awaitResults(200, Duration.ofSeconds(60)));

      // when: the node the session is attached to stops
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> grid.stopExtraServer(doomed));
      for (TaskResult r; (r = session.poll(Duration.ofSeconds(90))) != null; ) {
        results.add(r);
      }
      stopping.get();

      // then
      Map<String, Integer> byId = new HashMap<>();
      results.forEach(r -> byId.merge(r.taskId(), 1, Integer::sum));
      assertThat(byId).hasSize(tasks);
      assertThat(byId.values()).as("no task delivered twice to the caller").allMatch(n -> n == 1);
      assertThat(results).allSatisfy(r -> assertThat(r.succeeded()).as("%s: %s", r.taskId(), r.error()).isTrue());
      assertThat(session.failovers()).as("the session re-attached").isGreaterThanOrEqualTo(1);
    }
  }
}
