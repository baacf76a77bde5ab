package dev.gridqueue.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.proto.v1.Stats;
import dev.gridqueue.proto.v1.WorkerStats;
import dev.gridqueue.worker.WorkerNode;
import dev.gridqueue.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A session with tags runs only on workers that carry all of them. */
class TagsIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(0);

  @Test
  void shouldRunATaggedSessionOnlyOnWorkersCarryingItsTags() throws Exception {
    // given: a plain worker and a gpu worker, both serving echo
    startWorker("plain", Set.of());
    startWorker("gpu", Set.of("gpu"));
    await().atMost(Duration.ofSeconds(30)).until(() -> grid.server().ignite().cluster().forClients().nodes().size() == 2);
    GridQueueClient client = new GridQueueClient(grid.newChannel());

    // when
    try (TaskSession session =
        client.openSession(SessionOptions.forApp("echo").tags(List.of("gpu")).batchSize(5).build())) {
      for (int i = 0; i < 200; i++) {
        session.submit("t" + i, new byte[] {1});
      }
      session.finishSending();
      session.awaitResults(200, Duration.ofSeconds(30));
    }

    // then
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Stats stats = client.stats();
      assertThat(worker(stats, "gpu").getTasksDone()).isEqualTo(200);
      assertThat(worker(stats, "plain").getTasksDone()).isZero();
    });
  }

  private void startWorker(String id, Set<String> tags) {
    grid.closeAfter(
        WorkerNode.start(
            grid.ports().options(grid.name() + "-" + id).workDirectory(grid.workDir()).build(),
            WorkerOptions.newBuilder().workerId(id).slots(2).apps(Set.of("echo")).tags(tags).build()));
  }

  private static WorkerStats worker(Stats stats, String id) {
    return stats.getWorkersList().stream().filter(w -> w.getWorkerId().equals(id)).findFirst().orElseThrow();
  }
}
