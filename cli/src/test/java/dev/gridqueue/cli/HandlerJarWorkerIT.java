package dev.gridqueue.cli;

import static dev.gridqueue.cli.SeparateWorkerProcessIT.launcher;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.grid.FreePorts;
import dev.gridqueue.server.EmbeddedGrid;
import dev.gridqueue.worker.testing.HandlerJar;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A handler jar, built the way an author builds one (compiled against worker-api alone, listed in
 * META-INF/services), served by a worker process started with {@code ./gridqueue worker --handlers
 * DIR}: the topology users run.
 */
class HandlerJarWorkerIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(0); // no local worker

  private static final Path WORK = Path.of("target", "handler-jar-worker-it").toAbsolutePath();

  private Process worker;

  @BeforeAll
  static void cleanWorkDirectory() throws Exception {
    HandlerJar.deleteRecursively(WORK);
    Files.createDirectories(WORK);
  }

  @AfterEach
  void killWorker() throws Exception {
    if (worker != null) {
      worker.descendants().forEach(ProcessHandle::destroyForcibly);
      worker.destroyForcibly().waitFor();
    }
  }

  @Test
  void shouldRunTheTasksOfAHandlerJarOnAWorkerProcess() throws Exception {
    // given: a directory with one handler jar, and a worker serving its app beside a built-in one
    Path handlers = WORK.resolve("handlers");
    Path jar =
        HandlerJar.create()
            .handler(
                "com.example.words.WordCountHandler",
                "word-count",
                """
            String text = new String(payload, StandardCharsets.UTF_8).trim();
            int words = text.isEmpty() ? 0 : text.split("\\\\s+").length;
            return (context.taskId() + " " + words).getBytes(StandardCharsets.UTF_8);""")
            .writeTo(handlers.resolve("word-count.jar"));
    Path log = WORK.resolve("worker.log");
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
                "--handlers",
                handlers.toString(),
                "--apps",
                "word-count,echo")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    await("worker joins the grid")
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                !grid.server().ignite().cluster().forClients().nodes().isEmpty()
                    || !worker.isAlive());
    assertThat(worker.isAlive()).as("worker process alive; see %s", log).isTrue();

    // when
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    List<TaskResult> counted;
    try (TaskSession session =
        client.openSession(SessionOptions.forApp("word-count").batchSize(25).build())) {
      for (int i = 0; i < 500; i++) {
        session.submit("t" + i, " word".repeat(i % 7).getBytes(StandardCharsets.UTF_8));
      }
      session.finishSending();
      counted = session.awaitResults(500, Duration.ofSeconds(120));
    }
    List<TaskResult> echoed;
    try (TaskSession session = client.openSession(SessionOptions.forApp("echo").build())) {
      session.submit("e", "still here".getBytes(StandardCharsets.UTF_8));
      session.finishSending();
      echoed = session.awaitResults(1, Duration.ofSeconds(60));
    }

    // then: every task answered once by the jar's handler, which saw its task's context
    Map<String, String> answers =
        counted.stream()
            .collect(
                Collectors.toMap(
                    TaskResult::taskId, r -> new String(r.payload(), StandardCharsets.UTF_8)));
    assertThat(answers).hasSize(500);
    assertThat(answers)
        .allSatisfy(
            (id, answer) ->
                assertThat(answer).isEqualTo(id + " " + Integer.parseInt(id.substring(1)) % 7));
    assertThat(echoed)
        .singleElement()
        .satisfies(
            r -> assertThat(r.payload()).asString(StandardCharsets.UTF_8).isEqualTo("still here"));
    assertThat(Files.readString(log))
        .contains("task handlers: echo from the classpath; word-count from " + jar);
  }

  @Test
  void shouldRefuseToStartWithAHandlersDirectoryThatDoesNotExist() throws Exception {
    // given
    Path missing = WORK.resolve("no-such-handlers");

    // when
    Path log = WORK.resolve("refused-worker.log");
    worker =
        launcher("worker", "--grid", grid.ports().seedAddress(), "--handlers", missing.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean exited = worker.waitFor(120, TimeUnit.SECONDS);
    String output = Files.readString(log);

    // then: one line naming the directory, the exit code of a bad option, no grid joined
    assertThat(exited).as("worker exits; output:%n%s", output).isTrue();
    assertThat(worker.exitValue()).as(output).isEqualTo(2);
    assertThat(output)
        .contains("gridqueue worker: handlers directory " + missing + " does not exist");
    assertThat(output).doesNotContain("\tat ");
    assertThat(grid.server().ignite().cluster().forClients().nodes()).isEmpty();
  }
}
