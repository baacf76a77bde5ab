package dev.gridqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.grid.FreePorts;
import dev.gridqueue.server.EmbeddedGrid;
import dev.gridqueue.worker.apps.SharedDigestHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A 100 MB shared-data level uploaded once and read by 10,000 tasks on two worker processes: every
 * task sees the level, and each worker fetches it from the grid exactly once (its log says so),
 * later batches reading it locally.
 */
class SharedDataAcrossWorkersIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(0);

  private final List<Process> workers = new ArrayList<>();
  private final List<Path> logs = new ArrayList<>();

  @AfterEach
  void stopWorkers() throws Exception {
    for (Process p : workers) {
      p.destroyForcibly().waitFor();
    }
  }

  @Test
  void shouldFetchA100MegabyteLevelOncePerWorkerFor10000Tasks() throws Exception {
    // given
    for (String name : List.of("shared-1", "shared-2")) {
      startWorker(name);
    }
    await("workers join")
        .atMost(Duration.ofSeconds(60))
        .until(() -> grid.server().ignite().cluster().forClients().nodes().size() == 2);
    byte[] level = new byte[100 << 20];
    new Random(11).nextBytes(level);
    String expected = "1 " + SharedDigestHandler.digest(level);
    GridQueueClient client = new GridQueueClient(grid.newChannel());

    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp(SharedDigestHandler.APP_ID).batchSize(100).build())) {
      // when
      session.sharedData().set(1, level, Duration.ofMinutes(5));
      session.useSharedData(1);
      for (int i = 0; i < 10_000; i++) {
        session.submit("t" + i, new byte[0]);
      }
      session.finishSending();
      List<TaskResult> results = session.awaitResults(10_000, Duration.ofMinutes(3));

      // then
      assertThat(results.stream().map(TaskResult::taskId).collect(Collectors.toSet()))
          .hasSize(10_000);
      assertThat(results).allSatisfy(r -> assertThat(r.payload()).asString().isEqualTo(expected));
      Pattern fetch =
          Pattern.compile(
              "fetched shared data of session " + session.id() + " level 1: 104857600 bytes");
      for (Path log : logs) {
        Matcher m = fetch.matcher(Files.readString(log));
        int fetches = 0;
        while (m.find()) {
          fetches++;
        }
        assertThat(fetches).as("fetches of the level in %s", log).isLessThanOrEqualTo(1);
      }
      assertThat(logs.stream().mapToInt(l -> count(fetch, l)).sum())
          .as("workers that fetched the level")
          .isBetween(1, 2);
    }
  }

  private static int count(Pattern p, Path log) {
    try {
      Matcher m = p.matcher(Files.readString(log));
      int n = 0;
      while (m.find()) {
        n++;
      }
      return n;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void startWorker(String name) throws Exception {
    Path log = Path.of("target", name + "-" + System.nanoTime() + ".log");
    ProcessBuilder pb =
        SeparateWorkerProcessIT.launcher(
            "worker",
            "--grid",
            grid.ports().seedAddress(),
            "--communication-port",
            Integer.toString(FreePorts.findRange(100)),
            "--work-dir",
            grid.workDir().toString(),
            "--slots",
            "2",
            "--apps",
            SharedDigestHandler.APP_ID,
            "--worker-id",
            name);
    pb.environment().put("JAVA_OPTS", "-Xms128m -Xmx768m -XX:+UseSerialGC");
    workers.add(pb.redirectErrorStream(true).redirectOutput(log.toFile()).start());
    logs.add(log);
  }
}
