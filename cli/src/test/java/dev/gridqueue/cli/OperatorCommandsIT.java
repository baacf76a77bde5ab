package dev.gridqueue.cli;

import static dev.gridqueue.cli.SeparateWorkerProcessIT.launcher;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.client.CommandTask;
import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.grid.FreePorts;
import dev.gridqueue.proto.v1.AllocationMode;
import dev.gridqueue.proto.v1.CategoryLimits;
import dev.gridqueue.proto.v1.Resources;
import dev.gridqueue.server.EmbeddedGrid;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator's commands as a user runs them ({@code ./gridqueue ...} processes) against a real
 * grid node: one-line errors and exit codes, {@code status --json}, {@code sessions}, {@code
 * submit}'s warning and exit code, a taken port, a worker saying what it waits for, {@code status
 * --categories}.
 */
class OperatorCommandsIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(2);

  @Test
  void shouldSayInOneLineThatNoNodeAnswersAtADeadPort() throws Exception {
    int dead = FreePorts.findRange(1);

    Run run = run("status", "--server", "127.0.0.1:" + dead);

    assertThat(run.exit).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(run.err.strip().lines())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("gridqueue status: no grid node answered at 127.0.0.1:" + dead + " (")
        .contains("Connection refused");
  }

  @Test
  void shouldPrintStatusAsJson() throws Exception {
    Run run = run("status", "--server", "localhost:" + grid.server().grpcPort(), "--json");

    assertThat(run.exit).isZero();
    assertThat(run.out.strip())
        .startsWith("{\"grid_nodes\":1,\"workers_connected\":1,")
        .contains("\"tasks_waiting\":\"0\"");
  }

  @Test
  void shouldShowCategoriesWithTheirMeasuredPeaksAndFirstAllocation() throws Exception {
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    String server = "localhost:" + grid.server().grpcPort();
    CategoryLimits limits =
        CategoryLimits.newBuilder()
            .setMax(Resources.newBuilder().setCores(1).setMemoryMb(300))
            .setMode(AllocationMode.ALLOCATION_MODE_MAX)
            .build();
    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp(ContractLimits.COMMAND_APP_ID)
                .categoryLimits("sim", limits)
                .batchSize(1)
                .build())) {
      // given: two command tasks of category "sim" ran
      for (int i = 0; i < 2; i++) {
        session.submit(
            "t" + i, CommandTask.of("head -c 3000000 /dev/zero > f").category("sim").build());
      }
      session.flush();
      assertThat(session.awaitResults(2, Duration.ofSeconds(60))).allMatch(TaskResult::succeeded);

      // when
      Run run = run("status", "--server", server, "--categories");

      // then: its line shows the mode, the tasks measured, the disk peak and the first allocation
      // (the category's max until 10 tasks were measured)
      assertThat(run.exit).isZero();
      assertThat(run.out).contains("CATEGORY").contains("FIRST ALLOCATION");
      assertThat(run.out.lines().filter(l -> l.startsWith(session.id()) && l.contains(" sim ")))
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .contains(" max ")
          .contains("disk 3MB")
          .contains("cores 1 mem 300MB disk 0MB");
    }
  }

  @Test
  void shouldListCancelAndCloseSessions() throws Exception {
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    String server = "localhost:" + grid.server().grpcPort();
    try (TaskSession session =
        client.openSession(SessionOptions.forApp("sleep").batchSize(1).build())) {
      // given: a session with 20 tasks of 10 minutes on 2 slots: none can end before the cancel,
      // however slow the machine (the CLI's JVM may take seconds to start under load), and the
      // cancel ends them all at once (queued ones as dead letters, running ones interrupted)
      for (int i = 0; i < 20; i++) {
        session.submit("t" + i, "600000".getBytes(StandardCharsets.US_ASCII));
      }
      session.flush();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> client.stats(session.id()).getSessions(0).getTasksRunning() > 0);

      // when / then: listed
      Run list = run("sessions", "list", "--server", server);
      assertThat(list.exit).isZero();
      assertThat(list.out).contains(session.id()).contains("sleep");

      // cancelled: what had not started ends as dead letters, what runs is stopped
      Run cancel = run("sessions", "cancel", session.id(), "--server", server);
      assertThat(cancel.exit).isZero();
      List<TaskResult> ended = session.awaitResults(20, Duration.ofSeconds(60));
      assertThat(ended)
          .hasSize(20)
          .anyMatch(TaskResult::isDeadLetter)
          .noneMatch(TaskResult::succeeded);

      // closed: gone from the list
      Run close = run("sessions", "close", session.id(), "--server", server);
      assertThat(close.exit).isZero();
      assertThat(run("sessions", "list", "--server", server).out).doesNotContain(session.id());
    }
  }

  @Test
  void shouldEndSubmitWhenItsSessionIsClosedElsewhere() throws Exception {
    String server = "localhost:" + grid.server().grpcPort();
    Path dir = Files.createDirectories(Path.of("target", "operator-commands"));
    Path out = Files.createTempFile(dir, "closed", ".txt");
    Process submit =
        launcher("submit", "--server", server, "--command", "sleep 10", "--timeout-s", "600")
            .redirectOutput(out.toFile())
            .redirectErrorStream(true)
            .start();
    try {
      String id =
          await("submit's session")
              .atMost(Duration.ofSeconds(60))
              .until(() -> sessionId(Files.readString(out)), java.util.Objects::nonNull);

      Run close = run("sessions", "close", id, "--server", server);

      assertThat(close.exit).isZero();
      assertThat(submit.waitFor(60, TimeUnit.SECONDS))
          .as("submit ended once its session was closed: " + Files.readString(out))
          .isTrue();
      assertThat(submit.exitValue()).isEqualTo(ExitCodes.FAILED);
      assertThat(Files.readString(out))
          .contains("session " + id + " was closed before all its tasks ended")
          .contains("1 missing");
    } finally {
      submit.destroyForcibly();
    }
  }

  /** The id in submit's "session ID: ..." line, or null before it is printed. */
  private static String sessionId(String output) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?m)^session (\\S+): ").matcher(output);
    return m.find() ? m.group(1) : null;
  }

  @Test
  void shouldWarnWhenNoWorkerServesTheAppAndExitNonZero() throws Exception {
    Run run =
        run(
            "submit",
            "--server",
            "localhost:" + grid.server().grpcPort(),
            "--app",
            "no-such-app",
            "--tasks",
            "2",
            "--timeout-s",
            "2");

    assertThat(run.err)
        .contains(
            "gridqueue submit: warning: no connected worker serves app 'no-such-app' (workers"
                + " serve: command, cosine, echo, jaccard, jacobi, pi, shared-digest, sleep,"
                + " wordcount)");
    assertThat(run.exit).isEqualTo(ExitCodes.FAILED);
  }

  @Test
  void shouldExitNonZeroWhenTasksFailAndZeroWhenAllSucceed() throws Exception {
    String server = "localhost:" + grid.server().grpcPort();

    Run failing =
        run("submit", "--server", server, "--app", "pi", "--tasks", "3", "--payload", "bad");
    Run passing = run("submit", "--server", server, "--app", "echo", "--tasks", "5");

    assertThat(failing.exit).as(failing.out + failing.err).isEqualTo(ExitCodes.FAILED);
    assertThat(failing.err).contains("gridqueue submit: 3 of 3 tasks did not succeed");
    assertThat(passing.exit).as(passing.out + passing.err).isZero();
    assertThat(passing.out).contains("ended: 5 results, 0 failed, 0 dead letters, 0 missing");
  }

  @Test
  void shouldRefuseATakenGrpcPortInOneLineBeforeJoining() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      Run run =
          run(
              "server",
              "--port",
              Integer.toString(taken.getLocalPort()),
              "--grpc-host",
              "127.0.0.1",
              "--discovery-port",
              Integer.toString(FreePorts.findRange(10)),
              "--work-dir",
              grid.workDir().toString());

      assertThat(run.exit).isEqualTo(ExitCodes.UNAVAILABLE);
      assertThat(run.err.strip().lines().filter(l -> l.startsWith("gridqueue server:")))
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .contains("gRPC port " + taken.getLocalPort() + " on 127.0.0.1 is taken");
      assertThat(run.err).doesNotContain("\tat ");
    }
  }

  @Test
  void shouldHaveAWorkerSayWhatItWaitsFor() throws Exception {
    Path log = Path.of("target", "waiting-worker.log").toAbsolutePath();
    int nowhere = FreePorts.findRange(10);
    Process worker =
        launcher(
                "worker",
                "--grid",
                "127.0.0.1:" + nowhere + ".." + (nowhere + 1),
                "--discovery-port",
                Integer.toString(FreePorts.findRange(10)),
                "--work-dir",
                grid.workDir().toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(Files.readString(log))
                      .contains(
                          "gridqueue worker: joining the grid at 127.0.0.1:"
                              + nowhere
                              + ".."
                              + (nowhere + 1))
                      .contains("gridqueue worker: still waiting for a grid server at"));
    } finally {
      worker.descendants().forEach(ProcessHandle::destroyForcibly);
      worker.destroyForcibly().waitFor();
    }
  }

  @Test
  void shouldSubmitACommandWithAnInputAndAnOutputDirectory() throws Exception {
    Path dir =
        Files.createTempDirectory(
                Files.createDirectories(Path.of("target", "operator-commands")), "dirs")
            .toAbsolutePath();
    Path in = Files.createDirectories(dir.resolve("in/sub"));
    Files.writeString(in.resolve("a.txt"), "alpha\n");
    Files.write(in.resolve("b.bin"), new byte[] {0, 1, 2, (byte) 255});
    Path back = dir.resolve("back");

    Run run =
        run(
            "submit",
            "--server",
            "localhost:" + grid.server().grpcPort(),
            "--command",
            "cp -r data out",
            "--input",
            dir.resolve("in") + ":data",
            "--output",
            "out/:" + back);

    assertThat(run.exit).as(run.out + run.err).isZero();
    assertThat(Files.readString(back.resolve("sub/a.txt"))).isEqualTo("alpha\n");
    assertThat(Files.readAllBytes(back.resolve("sub/b.bin"))).containsExactly(0, 1, 2, 255);
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) throws IOException, InterruptedException {
    Path dir = Files.createDirectories(Path.of("target", "operator-commands"));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = launcher(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("gridqueue " + String.join(" ", args) + " did not end");
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
