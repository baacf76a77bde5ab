package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.proto.v1.SessionStats;
import dev.gridqueue.proto.v1.Stats;
import dev.gridqueue.proto.v1.WorkerStats;
import dev.gridqueue.worker.WorkerNode;
import dev.gridqueue.worker.WorkerOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Which workers serve a session: its tags, its max_workers. Two worker nodes, one tagged gpu. */
class WorkerSelectionIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(0);

  @BeforeAll
  static void startWorkers() {
    startWorker("plain", Set.of());
    startWorker("gpu", Set.of("gpu"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> grid.server().ignite().cluster().forClients().nodes().size() == 2);
  }

  @Test
  void shouldRunATaggedSessionOnlyOnWorkersCarryingItsTags() throws Exception {
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    long gpuBefore = worker(client.stats(), "gpu").getTasksDone();
    long plainBefore = worker(client.stats(), "plain").getTasksDone();

    // when
    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp("echo").tags(List.of("gpu")).batchSize(5).build())) {
      for (int i = 0; i < 200; i++) {
        session.submit("t" + i, new byte[] {1});
      }
      session.finishSending();
      session.awaitResults(200, Duration.ofSeconds(30));
    }

    // then
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Stats stats = client.stats();
              assertThat(worker(stats, "gpu").getTasksDone() - gpuBefore).isEqualTo(200);
              assertThat(worker(stats, "plain").getTasksDone() - plainBefore).isZero();
            });
  }

  @Test
  void shouldNeverSpreadASessionOverMoreThanMaxWorkers() throws Exception {
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    try (TaskSession session =
        client.openSession(SessionOptions.forApp("sleep").workers(0, 1).batchSize(2).build())) {
      // given: 2 s of work that two workers would share without the cap
      for (int i = 0; i < 80; i++) {
        session.submit("t" + i, "50".getBytes(StandardCharsets.US_ASCII));
      }
      session.flush();

      // when: sampling the session's workers while it runs
      int most = 0;
      int samplesWhileRunning = 0;
      long received = 0;
      while (received < 80) {
        SessionStats line = client.stats(session.id()).getSessions(0);
        if (line.getTasksRunning() > 0) {
          samplesWhileRunning++;
          most = Math.max(most, line.getWorkers());
        }
        while (session.poll(Duration.ofMillis(20)) != null) {
          received++;
        }
      }

      // then
      assertThat(samplesWhileRunning).isGreaterThan(5);
      assertThat(most).isEqualTo(1);
    }
  }

  private static void startWorker(String id, Set<String> tags) {
    grid.closeAfter(
        WorkerNode.start(
            grid.ports().options(grid.name() + "-" + id).workDirectory(grid.workDir()).build(),
            WorkerOptions.newBuilder()
                .workerId(id)
                .slots(2)
                .apps(Set.of("echo", "sleep"))
                .tags(tags)
                .build()));
  }

  private static WorkerStats worker(Stats stats, String id) {
    return stats.getWorkersList().stream()
        .filter(w -> w.getWorkerId().equals(id))
        .findFirst()
        .orElseThrow();
  }
}
