package dev.gridqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.client.CommandTask;
import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.grid.FreePorts;
import dev.gridqueue.proto.v1.WorkerStats;
import dev.gridqueue.server.EmbeddedGrid;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Command tasks on worker processes started with {@code ./gridqueue worker}: a cacheable input
 * crosses the network once per worker however many tasks read it; a worker killed in the middle of
 * a command has its task run again on another, whose outputs come back once; {@code ./gridqueue
 * submit --command} and {@code --tasks FILE} run command tasks and say by their exit code whether
 * all succeeded.
 */
class CommandTasksAcrossWorkersIT {
  @RegisterExtension
  static EmbeddedGrid grid = new EmbeddedGrid(0).failureDetection(Duration.ofSeconds(3));

  private final List<Process> workers = new ArrayList<>();
  private final Map<String, Path> logs = new java.util.HashMap<>();

  @AfterEach
  void stopWorkers() throws Exception {
    for (Process p : workers) {
      p.destroyForcibly().waitFor();
    }
    workers.clear();
    await("workers gone")
        .atMost(Duration.ofSeconds(30))
        .until(() -> grid.server().ignite().cluster().forClients().nodes().isEmpty());
  }

  /**
   * Work Queue's figure is 1,000 tasks reading one 50 MB input; scaled to 200 tasks and 10 MB (and
   * MD5, the cheapest checksum coreutils has) to keep the test short on a shared machine: the
   * mechanism is the same per worker, and each task still reads the whole file.
   */
  @Test
  void shouldFetchACacheableInputOncePerWorkerForEveryTaskReadingIt() throws Exception {
    // given
    startWorker("cache-1", "");
    startWorker("cache-2", "");
    awaitWorkers("cache-1", "cache-2");
    byte[] data = new byte[10 << 20];
    new Random(5).nextBytes(data);
    Path input = Files.write(grid.workDir().resolve("shared-input.bin"), data);
    String expected = digest("MD5", data);
    GridQueueClient client = new GridQueueClient(grid.newChannel());

    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp(ContractLimits.COMMAND_APP_ID).batchSize(10).build())) {
      // when
      int tasks = 200;
      for (int i = 0; i < tasks; i++) {
        session.submit(
            "t" + i,
            CommandTask.of("md5sum in.bin | cut -d' ' -f1").input(input, "in.bin", true).build());
      }
      session.finishSending();
      List<TaskResult> results = session.awaitResults(tasks, Duration.ofMinutes(3));

      // then: the right checksum in every task
      assertThat(results.stream().map(TaskResult::taskId).distinct()).hasSize(tasks);
      assertThat(results)
          .allSatisfy(
              r -> {
                assertThat(r.commandSucceeded()).as(r.taskId() + ": " + r.error()).isTrue();
                assertThat(r.stdout().trim()).isEqualTo(expected);
              });
      // and one transfer per worker that ran tasks, as its log says
      Map<String, Long> tasksByWorker =
          results.stream()
              .collect(Collectors.groupingBy(r -> r.run().getWorkerId(), Collectors.counting()));
      Pattern fetch = Pattern.compile("fetched input " + digest("SHA-256", data));
      for (String worker : tasksByWorker.keySet()) {
        assertThat(count(fetch, logs.get(worker))).as("fetches by %s", worker).isEqualTo(1);
      }
      assertThat(tasksByWorker).as("both workers ran tasks").hasSize(2);
    }
  }

  @Test
  void shouldRunACommandOfAKilledWorkerAgainElsewhereAndBringItsOutputsOnce() throws Exception {
    // given: a command running on the only worker of the session
    Process doomed = startWorker("doomed", "crash");
    awaitWorkers("doomed");
    Path started = grid.workDir().resolve("crash-started-" + System.nanoTime());
    Path local = grid.workDir().resolve("crash-output-" + System.nanoTime() + ".txt");
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp(ContractLimits.COMMAND_APP_ID)
                .tags(List.of("crash"))
                .batchSize(1)
                .build())) {
      session.submit(
          "c",
          CommandTask.of(
                  "touch " + started + "; sleep 2; echo \"ran as $GRIDQUEUE_TEST_MARK\" > out.txt")
              .env("GRIDQUEUE_TEST_MARK", "c")
              .output("out.txt", local)
              .build());
      session.finishSending();
      await("the command runs").atMost(Duration.ofSeconds(60)).until(() -> Files.exists(started));

      // when: its worker is killed mid-command, and another worker joins
      doomed.destroyForcibly().waitFor();
      startWorker("survivor", "crash");
      TaskResult r = session.awaitResults(1, Duration.ofSeconds(90)).get(0);

      // then: it ran again on the survivor; its output came back once
      assertThat(r.commandSucceeded()).as(String.valueOf(r.error())).isTrue();
      assertThat(r.run().getWorkerId()).isEqualTo("survivor");
      // At least 2: the loss is counted once, but the survivor's first job can fail too ("failed
      // on worker survivor": Failed to send message to the killed node, still a member until the
      // failure-detection timeout), and a job failure is an attempt: then it is 3.
      assertThat(r.run().getAttempt()).isGreaterThanOrEqualTo(2);
      assertThat(Files.readString(local)).isEqualTo("ran as c\n");
      assertThat(session.poll(Duration.ofSeconds(2))).as("nothing more arrives").isNull();
    }
  }

  @Test
  void shouldRunCommandTasksFromTheCommandLineAndFailWhenOneFails() throws Exception {
    // given
    startWorker("cli", "");
    awaitWorkers("cli");
    Path dir = Files.createDirectories(grid.workDir().resolve("cli-" + System.nanoTime()));
    Files.writeString(dir.resolve("a.txt"), "alpha\n".repeat(1000));
    Files.writeString(dir.resolve("b.txt"), "beta\n".repeat(1000));
    String server = "127.0.0.1:" + grid.server().grpcPort();

    // when: one task with --command, --input, --output
    Ran one =
        gridqueue(
            dir,
            "submit",
            "--server",
            server,
            "--command",
            "gzip -c a.txt > a.txt.gz",
            "--input",
            "a.txt",
            "--output",
            "a.txt.gz");

    // then
    assertThat(one.exit()).as(one.log()).isZero();
    Process gunzip =
        new ProcessBuilder("gunzip", "-c", "a.txt.gz")
            .directory(dir.toFile())
            .redirectOutput(dir.resolve("a.back").toFile())
            .start();
    assertThat(gunzip.waitFor()).isZero();
    assertThat(Files.readString(dir.resolve("a.back"))).isEqualTo("alpha\n".repeat(1000));

    // when: a task file with one task that fails
    Files.writeString(
        dir.resolve("tasks.jsonl"),
        String.join(
            "\n",
            "{\"id\": \"a\", \"command\": \"wc -l < a.txt > a.count\", \"inputs\": [\"a.txt\"],"
                + " \"outputs\": [\"a.count\"]}",
            "# a comment",
            "{\"id\": \"b\", \"command\": \"wc -l < in > b.count\","
                + " \"inputs\": [{\"local\": \"b.txt\", \"remote\": \"in\", \"cache\": false}],"
                + " \"outputs\": [{\"remote\": \"b.count\", \"local\": \"counts/b.count\"}]}",
            "{\"id\": \"bad\", \"command\": \"echo broken >&2; exit 3\"}",
            ""),
        StandardCharsets.UTF_8);
    Ran many = gridqueue(dir, "submit", "--server", server, "--tasks", "tasks.jsonl");

    // then: the outputs are written, the failure reported, the exit code non-zero
    assertThat(many.exit()).isEqualTo(1);
    assertThat(many.log()).contains("task bad: exit code 3").contains("broken");
    assertThat(many.log()).contains("2 succeeded, 1 failed");
    assertThat(Files.readString(dir.resolve("a.count")).trim()).isEqualTo("1000");
    assertThat(Files.readString(dir.resolve("counts/b.count")).trim()).isEqualTo("1000");

    // when: an input that does not exist
    Ran missing =
        gridqueue(dir, "submit", "--server", server, "--command", "cat x", "--input", "nope.txt");

    // then: one line naming it, exit code 2
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.log()).contains("input file nope.txt does not exist");

    // when: the same, with no grid at the address given
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Ran offline =
        gridqueue(
            dir,
            "submit",
            "--server",
            "127.0.0.1:" + closedPort,
            "--command",
            "cat x",
            "--input",
            "nope.txt");

    // then: the input is refused before the grid is contacted (no session opened for nothing)
    assertThat(offline.exit()).isEqualTo(2);
    assertThat(offline.log()).contains("input file nope.txt does not exist");

    // when: a task file using one id twice (the two would run as one task)
    Files.writeString(
        dir.resolve("twice.jsonl"),
        "{\"id\": \"x\", \"command\": \"true\"}\n{\"id\": \"x\", \"command\": \"false\"}\n",
        StandardCharsets.UTF_8);
    Ran twice = gridqueue(dir, "submit", "--server", server, "--tasks", "twice.jsonl");

    // then: refused, naming both lines
    assertThat(twice.exit()).isEqualTo(2);
    assertThat(twice.log()).contains("twice.jsonl line 2: id \"x\" is already used on line 1");
  }

  /** How a {@code gridqueue} command ended: its exit code and what it printed. */
  private record Ran(int exit, String log) {}

  /** Runs {@code gridqueue ARGS} in {@code dir} to its end. */
  private static Ran gridqueue(Path dir, String... args) throws Exception {
    Path log = Files.createTempFile(dir, "gridqueue-", ".log");
    Process p =
        SeparateWorkerProcessIT.launcher(args)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    int exit = p.waitFor();
    return new Ran(exit, Files.readString(log));
  }

  /**
   * Until the scheduler can assign to each of {@code ids}: a worker node joins the grid before it
   * registers its slots, and tasks submitted in between all went to the first worker (CI, once).
   */
  private void awaitWorkers(String... ids) {
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    await("workers registered")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                client.stats().getWorkersList().stream()
                    .map(WorkerStats::getWorkerId)
                    .toList()
                    .containsAll(List.of(ids)));
  }

  private static int count(Pattern p, Path log) throws Exception {
    Matcher m = p.matcher(Files.readString(log));
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private Process startWorker(String id, String tags) throws Exception {
    Path log = Path.of("target", "command-worker-" + id + "-" + System.nanoTime() + ".log");
    List<String> args =
        new ArrayList<>(
            List.of(
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
                ContractLimits.COMMAND_APP_ID,
                "--cache-dir",
                grid.workDir().resolve("cache-" + id + "-" + System.nanoTime()).toString(),
                "--cache-mb",
                "100",
                "--worker-id",
                id));
    if (!tags.isEmpty()) {
      args.addAll(List.of("--tags", tags));
    }
    Process p =
        SeparateWorkerProcessIT.launcher(args.toArray(String[]::new))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    workers.add(p);
    logs.put(id, log);
    return p;
  }

  private static String digest(String algorithm, byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
  }
}
