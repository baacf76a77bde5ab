package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.proto.v1.SessionStats;
import dev.gridqueue.proto.v1.Stats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StatsIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(2);

  @Test
  void shouldCountWorkersAndTasksWaitingRunningDoneAndFailed() throws Exception {
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    try (TaskSession slow =
            client.openSession(
                SessionOptions.forApp("sleep")
                    .batchSize(1)
                    .maxInflightBatchesPerWorker(2)
                    .build());
        TaskSession bad = client.openSession(SessionOptions.forApp("pi").build())) {
      // given: 20 tasks of 200 ms on a worker that holds 2 batches at a time; 3 failing tasks
      for (int i = 0; i < 20; i++) {
        slow.submit("s" + i, "200".getBytes(StandardCharsets.US_ASCII));
      }
      for (int i = 0; i < 3; i++) {
        bad.submit("b" + i, "not a pi task".getBytes(StandardCharsets.US_ASCII));
      }
      bad.flush();

      // when / then: while running
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                SessionStats line = session(client.stats(slow.id()), slow.id());
                assertThat(line.getTasksRunning()).isEqualTo(2);
                assertThat(line.getTasksWaiting()).isGreaterThan(0);
                assertThat(line.getWorkers()).isEqualTo(1);
              });
      Stats running = client.stats();
      assertThat(running.getGridNodes()).isEqualTo(1);
      assertThat(running.getWorkersConnected()).isEqualTo(1);
      assertThat(running.getWorkersBusy()).isEqualTo(1);
      assertThat(running.getTotalSlots()).isEqualTo(2);

      // and once everything ran
      slow.awaitResults(20, Duration.ofSeconds(30));
      bad.awaitResults(3, Duration.ofSeconds(30));
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                Stats done = client.stats();
                assertThat(session(done, slow.id()).getTasksDone()).isEqualTo(20);
                assertThat(session(done, bad.id()).getTasksFailed()).isEqualTo(3);
                assertThat(done.getTasksWaiting() + done.getTasksRunning()).isZero();
                assertThat(done.getWorkers(0).getTasksDone()).isGreaterThanOrEqualTo(20);
              });
    }
  }

  @Test
  void shouldAnswerNotFoundForStatsOfAnUnknownSession() {
    GridQueueClient client = new GridQueueClient(grid.newChannel());

    assertThatThrownBy(() -> client.stats("nope")).hasMessageContaining("NOT_FOUND");
  }

  private static SessionStats session(Stats stats, String id) {
    return stats.getSessionsList().stream()
        .filter(s -> s.getSessionId().equals(id))
        .findFirst()
        .orElseThrow();
  }
}
