package dev.gridqueue.cli;

import static dev.gridqueue.cli.SeparateWorkerProcessIT.launcher;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.cli.local.LocalGrid;
import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.proto.v1.SessionStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ./gridqueue sessions update} and {@code submit}'s per-batch options as a user runs them,
 * on a grid of two server processes: an update sent to the server that does not run the scheduler
 * reaches the scheduler in the other JVM (its own figures change); bad input and a closed session
 * are refused in one line with exit code 1, changing nothing.
 */
class SessionControlsAcrossServersIT {
  @Test
  void shouldUpdateASessionThroughTheOtherServerAndRefuseBadInput() throws Exception {
    Path work = Path.of("target", "session-controls-" + System.nanoTime()).toAbsolutePath();
    try (LocalGrid grid =
        LocalGrid.start(
            work, LocalGrid.Options.servers(2).withLocalWorkerSlots(1).withApps("echo"))) {
      assertThat(Files.readString(grid.logOf("server-0"))).contains("scheduler running on node");
      String schedulerSide = grid.grpcAddresses().get(0);
      String otherSide = grid.grpcAddresses().get(1);
      try (GridQueueClient client = GridQueueClient.connect(List.of(otherSide));
          GridQueueClient observer = GridQueueClient.connect(List.of(schedulerSide));
          TaskSession session =
              client.openSession(SessionOptions.forApp("sleep").batchSize(1).build())) {
        // given: a session the scheduler knows (its tasks wait: no worker serves "sleep")
        for (int i = 0; i < 5; i++) {
          session.submit("t" + i, "10".getBytes(StandardCharsets.US_ASCII));
        }
        session.flush();
        await().until(() -> line(observer, session.id()).getTasksWaiting() == 5);

        // when: updated through the server without the scheduler
        Run update =
            run(
                "sessions",
                "update",
                session.id(),
                "--server",
                otherSide,
                "--priority",
                "9",
                "--max-workers",
                "3",
                "--preemptible",
                "true",
                "--block-host",
                "10.9.8.7");

        // then: the scheduler on the other JVM applies it
        assertThat(update.exit).as(update.err).isZero();
        assertThat(update.out)
            .contains("priority 9, workers 0..3, preemptible true")
            .contains("blocked hosts [10.9.8.7]");
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> {
                  SessionStats s = line(observer, session.id());
                  return s.getPriority() == 9 && s.getMaxWorkers() == 3 && s.getPreemptible();
                });
        // bad input (the command line in-process, to save JVM starts): one line naming the field,
        // exit 1, nothing changed
        Run badHost =
            inProcess(
                "sessions", "update", session.id(), "--server", otherSide, "--block-host", "a b");
        assertThat(badHost.exit).isEqualTo(ExitCodes.FAILED);
        assertThat(badHost.err.strip())
            .isEqualTo(
                "gridqueue update: the grid refused the call: INVALID_ARGUMENT:"
                    + " block_worker_hosts[0] 'a b' is not a host name or an IP address");
        Run minAboveMax =
            inProcess(
                "sessions", "update", session.id(), "--server", otherSide, "--min-workers", "5");
        assertThat(minAboveMax.exit).isEqualTo(ExitCodes.FAILED);
        assertThat(minAboveMax.err)
            .contains("attributes.min_workers (5) must not exceed attributes.max_workers (3)");
        assertThat(client.session(session.id()).getAttributes().getBlockedWorkerHostsList())
            .containsExactly("10.9.8.7");
        assertThat(client.session(session.id()).getAttributes().getMinWorkers()).isZero();

        // a closed session
        client.closeSession(session.id());
        Run closed =
            inProcess("sessions", "update", session.id(), "--server", otherSide, "--priority", "1");
        assertThat(closed.exit).isEqualTo(ExitCodes.FAILED);
        assertThat(closed.err).contains("NOT_FOUND").contains(session.id());
        Run badPriority =
            inProcess("submit", "--server", otherSide, "--app", "echo", "--batch-priority", "-1");
        assertThat(badPriority.exit).isEqualTo(ExitCodes.USAGE);
        assertThat(badPriority.err).contains("batch priority must be between 0 and 2147483647");
      }

      // submit's per-batch options reach the grid (the batch priority checked by the client)
      Run submit =
          run(
              "submit",
              "--server",
              otherSide,
              "--app",
              "echo",
              "--tasks",
              "20",
              "--batch-size",
              "5",
              "--batch-priority",
              "3",
              "--category",
              "small",
              "--max-retries",
              "0",
              "--tag",
              "mine",
              "--batch-resources",
              "1,0,0,0");
      assertThat(submit.exit).as(submit.out + submit.err).isZero();
      assertThat(submit.out).contains("ended: 20 results, 0 failed, 0 dead letters, 0 missing");
    }
  }

  private static SessionStats line(GridQueueClient client, String sessionId) {
    var stats = client.stats(sessionId);
    return stats.getSessionsCount() == 0 ? SessionStats.getDefaultInstance() : stats.getSessions(0);
  }

  private record Run(int exit, String out, String err) {}

  /** The command line in this JVM; its error line and exit code (what it prints is not kept). */
  private static Run inProcess(String... args) {
    java.io.StringWriter err = new java.io.StringWriter();
    int exit = Main.commandLine().setErr(new java.io.PrintWriter(err)).execute(args);
    return new Run(exit, "", err.toString());
  }

  private static Run run(String... args) throws IOException, InterruptedException {
    Path dir = Files.createDirectories(Path.of("target", "session-controls"));
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
