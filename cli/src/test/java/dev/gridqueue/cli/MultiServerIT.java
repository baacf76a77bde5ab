package dev.gridqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gridqueue.cli.local.LocalGrid;
import dev.gridqueue.cli.local.SessionRun;
import dev.gridqueue.client.GridQueueClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Grids of several server processes (backups 1, each with its local worker) and no fault: 30
 * concurrent sessions of 10,000 tasks, in batches of 1, 100 and 1,000, clients attached to every
 * server. Every task ends exactly once, and the scheduler never had to find a batch by its grid
 * census (no notice was lost). Before notices replaced continuous queries, a third of such sessions
 * stranded tasks.
 */
class MultiServerIT {
  private static final int SESSIONS = 30;
  private static final int TASKS = 10_000;
  private static final int[] BATCH_SIZES = {1, 100, 1000};
  private static final int AT_ONCE = 10;

  @ParameterizedTest(name = "{0} servers")
  @ValueSource(ints = {2, 3})
  void shouldEndEveryTaskOfEverySessionExactlyOnce(int servers) throws Exception {
    // given
    Path work =
        Path.of("target", "multi-server-" + servers + "-" + System.nanoTime()).toAbsolutePath();
    try (LocalGrid grid =
        LocalGrid.start(work, LocalGrid.Options.servers(servers).withApps("echo"))) {
      List<String> addresses = grid.grpcAddresses();
      List<GridQueueClient> clients = new ArrayList<>();
      addresses.forEach(a -> clients.add(GridQueueClient.connect(List.of(a))));
      ExecutorService sessions = Executors.newFixedThreadPool(AT_ONCE);
      try {
        // when
        List<Future<SessionRun.Outcome>> runs = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
          int server = i % servers;
          int batchSize = BATCH_SIZES[i % BATCH_SIZES.length];
          runs.add(
              sessions.submit(
                  () ->
                      SessionRun.run(
                          clients.get(server),
                          addresses.get(server),
                          "echo",
                          TASKS,
                          batchSize,
                          new byte[16],
                          Duration.ofSeconds(60))));
        }
        List<SessionRun.Outcome> outcomes = new ArrayList<>();
        for (Future<SessionRun.Outcome> run : runs) {
          outcomes.add(run.get());
        }

        // then
        assertThat(outcomes)
            .as("sessions; logs in %s", work)
            .allSatisfy(o -> assertThat(o.complete()).as(o.describe()).isTrue())
            .allSatisfy(o -> assertThat(o.results()).as(o.describe()).isEqualTo(TASKS));
        assertThat(clients.get(0).stats().getBatchesReconciled())
            .as("batches found only by the grid census")
            .isZero();
      } finally {
        sessions.shutdownNow();
        clients.forEach(GridQueueClient::close);
      }
    }
  }
}
