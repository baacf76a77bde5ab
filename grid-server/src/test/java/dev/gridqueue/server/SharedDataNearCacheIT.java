package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.worker.WorkerNode;
import dev.gridqueue.worker.WorkerOptions;
import dev.gridqueue.worker.apps.SharedDigestHandler;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker node reads a level from the grid once; later batches of the level hit its near cache.
 */
class SharedDataNearCacheIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(0); // no local worker

  @Test
  void shouldFetchALevelOncePerWorkerAndReadItLocallyAfterwards() throws Exception {
    // given: one worker node, a 3 MB level (three chunks)
    WorkerNode worker =
        grid.closeAfter(
            WorkerNode.start(
                grid.ports().options(grid.name() + "-worker").workDirectory(grid.workDir()).build(),
                WorkerOptions.newBuilder()
                    .slots(2)
                    .apps(Set.of(SharedDigestHandler.APP_ID))
                    .build()));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !grid.server().ignite().cluster().forClients().nodes().isEmpty());
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    byte[] level = new byte[3 << 20];
    level[12345] = 42;

    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp(SharedDigestHandler.APP_ID).batchSize(1).build())) {
      session.sharedData().set(1, level, Duration.ofMinutes(1));
      session.useSharedData(1);

      // when: one batch, then more batches of the same level
      session.submit("first", new byte[0]);
      session.awaitResults(1, Duration.ofSeconds(30));
      long fetchesAfterFirst = worker.runtime().sharedData().levelFetches();
      for (int i = 0; i < 20; i++) {
        session.submit("later-" + i, new byte[0]);
      }
      List<TaskResult> later = session.awaitResults(20, Duration.ofSeconds(30));

      // then
      assertThat(fetchesAfterFirst).isEqualTo(1);
      assertThat(worker.runtime().sharedData().levelFetches())
          .as("later batches read locally")
          .isEqualTo(1);
      assertThat(later)
          .allSatisfy(
              r ->
                  assertThat(r.payload())
                      .asString()
                      .isEqualTo("1 " + SharedDigestHandler.digest(level)));
    }
  }
}
