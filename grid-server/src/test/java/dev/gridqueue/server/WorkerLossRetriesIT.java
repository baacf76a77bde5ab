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
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A batch lost with its worker more than max_retries times ends with an error, not in a loop. */
class WorkerLossRetriesIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(0);

  @Test
  void shouldFailATaskLostWithItsWorkerOnceMaxRetriesIsUsedUp() throws Exception {
    // given: max_retries 0, one worker, one long task
    WorkerNode doomed = startWorker("doomed");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> grid.server().ignite().cluster().forClients().nodes().size() == 1);
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    try (TaskSession session =
        client.openSession(SessionOptions.forApp("sleep").maxRetries(0).build())) {
      session.submit("poison", "60000".getBytes(StandardCharsets.US_ASCII));
      session.flush();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> client.stats(session.id()).getSessions(0).getTasksRunning() == 1);

      // when: its worker leaves mid-task, and a healthy worker is there to take it again
      startWorker("healthy");
      doomed.close();

      // then: the task ends with the reason instead of running again
      TaskResult result = session.awaitResults(1, Duration.ofSeconds(30)).get(0);
      assertThat(result.taskId()).isEqualTo("poison");
      assertThat(result.error())
          .isEqualTo("task lost with its worker in each of 1 attempts (max_retries 0)");
      assertThat(result.attempts()).isEqualTo(1);
    }
  }

  private static WorkerNode startWorker(String id) {
    return grid.closeAfter(
        WorkerNode.start(
            grid.ports().options(grid.name() + "-" + id).workDirectory(grid.workDir()).build(),
            WorkerOptions.newBuilder().workerId(id).slots(1).apps(Set.of("sleep")).build()));
  }
}
