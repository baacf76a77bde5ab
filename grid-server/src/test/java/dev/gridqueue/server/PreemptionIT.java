package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.worker.WorkerNode;
import dev.gridqueue.worker.WorkerOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A preemptible session gives its worker to an urgent one after the current batch, losing nothing.
 */
class PreemptionIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(0);

  @Test
  void shouldYieldAPreemptibleSessionsWorkerToAnUrgentSessionAndResumeAfter() throws Exception {
    // given: one single-slot worker busy with a preemptible background session (5 batches held)
    grid.closeAfter(
        WorkerNode.start(
            grid.ports().options(grid.name() + "-w").workDirectory(grid.workDir()).build(),
            WorkerOptions.newBuilder().workerId("w").slots(1).apps(Set.of("sleep")).build()));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> grid.server().ignite().cluster().forClients().nodes().size() == 1);
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    try (TaskSession background =
            client.openSession(
                SessionOptions.forApp("sleep")
                    .priority(1)
                    .preemptible(true)
                    .maxInflightBatchesPerWorker(5)
                    .batchSize(1)
                    .build());
        TaskSession urgent =
            client.openSession(SessionOptions.forApp("sleep").priority(10).batchSize(1).build())) {
      for (int i = 0; i < 30; i++) {
        background.submit("bg" + i, "100".getBytes(StandardCharsets.US_ASCII));
      }
      background.finishSending();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> client.stats(background.id()).getSessions(0).getTasksRunning() == 5);

      // when: urgent work arrives
      for (int i = 0; i < 5; i++) {
        urgent.submit("u" + i, "10".getBytes(StandardCharsets.US_ASCII));
      }
      urgent.finishSending();
      urgent.awaitResults(5, Duration.ofSeconds(10));

      // then: it ran while most background work still waited (not after it) ...
      long backgroundDoneWhenUrgentFinished =
          client.stats(background.id()).getSessions(0).getTasksDone();
      assertThat(backgroundDoneWhenUrgentFinished).isLessThan(10);

      // ... and the background session got its worker back: every task once, none run twice
      List<TaskResult> results = background.awaitResults(30, Duration.ofSeconds(30));
      assertThat(results).extracting(TaskResult::taskId).doesNotHaveDuplicates().hasSize(30);
      assertThat(results).allSatisfy(r -> assertThat(r.attempts()).isEqualTo(1));
    }
  }
}
