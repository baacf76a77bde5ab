package dev.gridqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.grid.FreePorts;
import dev.gridqueue.server.EmbeddedGrid;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker started as its own JVM with {@code ./gridqueue worker} joins over loopback and runs
 * tasks.
 */
class SeparateWorkerProcessIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(0); // no local worker

  private Process worker;

  @AfterEach
  void killWorker() throws Exception {
    if (worker != null) {
      worker.descendants().forEach(ProcessHandle::destroyForcibly);
      worker.destroyForcibly().waitFor();
    }
  }

  @Test
  void shouldRunTasksOnAWorkerProcessStartedWithTheLauncher() throws Exception {
    // given
    Path log = Path.of("target", "worker-process.log");
    Files.createDirectories(log.getParent());
    worker =
        launcher(
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
                "echo")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    await("worker joins the grid")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                !grid.server().ignite().cluster().forClients().nodes().isEmpty()
                    || !worker.isAlive());
    assertThat(worker.isAlive()).as("worker process alive; see %s", log).isTrue();

    // when
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    List<TaskResult> results;
    try (TaskSession session =
        client.openSession(SessionOptions.forApp("echo").batchSize(50).build())) {
      for (int i = 0; i < 1000; i++) {
        session.submit("t" + i, ("p" + i).getBytes(StandardCharsets.UTF_8));
      }
      session.finishSending();
      results = session.awaitResults(1000, Duration.ofSeconds(60));
    }

    // then
    Set<String> ids = results.stream().map(TaskResult::taskId).collect(Collectors.toSet());
    assertThat(ids).hasSize(1000);
    assertThat(results)
        .allSatisfy(
            r ->
                assertThat(new String(r.payload(), StandardCharsets.UTF_8))
                    .isEqualTo("p" + r.taskId().substring(1)));
  }

  /**
   * The repository's launcher script, told not to rebuild: the build that runs this test just
   * packaged it.
   */
  static ProcessBuilder launcher(String... args) {
    File script = Path.of("..", "gridqueue").toAbsolutePath().normalize().toFile();
    List<String> command = new java.util.ArrayList<>(List.of(script.getPath()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("GRIDQUEUE_NO_BUILD", "1");
    pb.environment().put("JAVA_OPTS", "-Xms128m -Xmx384m -XX:+UseSerialGC");
    return pb;
  }

  /**
   * A worker process of 2 slots serving {@code sleep}, joined to {@code grid}, its output in {@code
   * log} (the worker processes of the crash, loss and log tests).
   */
  static Process sleepWorker(EmbeddedGrid grid, String name, Path log) throws java.io.IOException {
    return launcher(
            "worker",
            "--grid",
            grid.ports().seedAddress(),
            "--communication-port",
            Integer.toString(dev.gridqueue.grid.FreePorts.findRange(100)),
            "--work-dir",
            grid.workDir().toString(),
            "--slots",
            "2",
            "--apps",
            "sleep",
            "--worker-id",
            name + "-" + System.nanoTime())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }
}
