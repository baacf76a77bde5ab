package dev.gridqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.grid.FreePorts;
import dev.gridqueue.grid.LocalGridPorts;
import dev.gridqueue.proto.v1.Stats;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three grid server processes (backups = 1) and two worker processes; the server hosting the
 * scheduler singleton is killed with SIGKILL mid-run. The scheduler resumes on another server from
 * the caches, every accepted task ends with exactly one result, and the task counters carry on from
 * the last checkpoint instead of restarting from 0.
 */
class GridNodeLossIT {
  private static final Duration FAILURE_DETECTION = Duration.ofSeconds(3);

  private final List<Process> processes = new ArrayList<>();
  private final LocalGridPorts ports = LocalGridPorts.allocate();
  private final Path work = Path.of("target", "node-loss-" + System.nanoTime()).toAbsolutePath();
  private ManagedChannel channel;

  @AfterEach
  void stopAll() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (Process p : processes) {
      p.destroyForcibly().waitFor();
    }
  }

  @Test
  void shouldLoseNothingWhenTheSchedulersServerIsKilled() throws Exception {
    // given: the first server becomes the oldest node, where Ignite deploys the singleton
    Files.createDirectories(work);
    int clientPort = FreePorts.any();
    Process schedulerHost = startServer("server-a", FreePorts.any());
    awaitLog("server-a", "scheduler running");
    startServer("server-b", clientPort);
    startServer("server-c", FreePorts.any());
    startWorker("worker-1");
    startWorker("worker-2");
    for (String name : List.of("server-b", "server-c", "worker-1", "worker-2")) {
      awaitLog(name, name.startsWith("server") ? "gridqueue server up" : "joined the grid");
    }
    channel = NettyChannelBuilder.forAddress("127.0.0.1", clientPort).usePlaintext().build();
    GridQueueClient client = new GridQueueClient(channel);
    // 120 client batches of 10 x 100 ms on 4 slots: about 30 s of work, half of it still to run
    // when the scheduler's server dies (room for results reaching the client late on a busy
    // machine).
    int tasks = 1_200;
    int beforeKill = tasks / 2;

    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp("sleep").batchSize(10).maxInflightBatchesPerWorker(4).build())) {
      for (int i = 0; i < tasks; i++) {
        session.submit("t" + i, "100".getBytes(StandardCharsets.US_ASCII));
      }
      session.finishSending();
      List<TaskResult> results =
          new ArrayList<>(session.awaitResults(beforeKill, Duration.ofSeconds(90)));
      // Read before the checkpoint wait: the checkpoint then holds at least these counters (a
      // read after it would include batches whose reports die with the scheduler).
      Stats checkpointed = client.stats();
      long doneAtKill = checkpointed.getTasksDone();
      assertThat(doneAtKill)
          .as("work left for the next scheduler (else this test proves nothing)")
          .isLessThan(tasks - 100);
      // Counters are checkpointed every second, and no interface tells when: after this wait the
      // checkpoint holds at least doneAtKill.
      Thread.sleep(2_500);
      Stats atKill = client.stats();

      // when
      schedulerHost.destroyForcibly().waitFor();
      results.addAll(session.awaitResults(tasks - beforeKill, Duration.ofSeconds(180)));

      // then
      Map<String, Integer> byId = new HashMap<>();
      results.forEach(r -> byId.merge(r.taskId(), 1, Integer::sum));
      assertThat(byId).hasSize(tasks);
      assertThat(byId.values()).as("no task delivered twice").allMatch(n -> n == 1);
      assertThat(results).allSatisfy(r -> assertThat(r.error()).isNull());
      await("scheduler resumed elsewhere")
          .atMost(Duration.ofSeconds(60))
          .until(() -> (logOf("server-b") + logOf("server-c")).contains("scheduler running"));
      // A move loses the counting of the batches running at the kill (their reports went to the
      // dead scheduler, and re-running them finds them done). Without the checkpoint the new
      // scheduler counts only what ran after the kill: less than the half done before it.
      await("tasks done, carried over the scheduler's move")
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> assertThat(client.stats().getTasksDone()).isGreaterThanOrEqualTo(doneAtKill));
      // Work Queue's cumulative fields carry over too, and the new scheduler does not count again
      // the queued batches and the workers it finds: every task submitted once, workers joined
      // once.
      Stats after = client.stats();
      assertThat(after.getTasksSubmitted()).isEqualTo(tasks);
      assertThat(after.getWorkersJoined()).isEqualTo(atKill.getWorkersJoined());
      assertThat(after.getTasksDispatched())
          .isGreaterThanOrEqualTo(checkpointed.getTasksDispatched());
      assertThat(after.getBytesSent()).isGreaterThanOrEqualTo(checkpointed.getBytesSent());
    }
  }

  private Process startServer(String name, int grpcPort) throws Exception {
    return start(
        name,
        "server",
        "--no-local-worker",
        "--port",
        Integer.toString(grpcPort),
        "--grpc-host",
        "127.0.0.1",
        "--discovery-port",
        Integer.toString(ports.discoveryPort()),
        "--grid",
        ports.seedAddress(),
        "--communication-port",
        Integer.toString(FreePorts.findRange(100)),
        "--backups",
        "1",
        "--failure-detection-ms",
        Long.toString(FAILURE_DETECTION.toMillis()),
        "--work-dir",
        work.toString(),
        "--data-region-mb",
        "256");
  }

  private void startWorker(String name) throws Exception {
    start(
        name,
        "worker",
        "--grid",
        ports.seedAddress(),
        "--communication-port",
        Integer.toString(FreePorts.findRange(100)),
        "--failure-detection-ms",
        Long.toString(FAILURE_DETECTION.toMillis()),
        "--work-dir",
        work.toString(),
        "--slots",
        "2",
        "--apps",
        "sleep",
        "--worker-id",
        name);
  }

  private Process start(String name, String... args) throws Exception {
    Process p =
        SeparateWorkerProcessIT.launcher(args)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve(name + ".log").toFile())
            .start();
    processes.add(p);
    return p;
  }

  private void awaitLog(String name, String text) {
    await(name + " logs '" + text + "'")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> logOf(name).contains(text));
  }

  private String logOf(String name) throws Exception {
    Path log = work.resolve(name + ".log");
    return Files.exists(log) ? Files.readString(log) : "";
  }
}
