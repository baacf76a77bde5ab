package dev.gridqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.proto.v1.SessionStats;
import dev.gridqueue.proto.v1.Stats;
import dev.gridqueue.scheduler.SchedulerLogs;
import dev.gridqueue.server.EmbeddedGrid;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A grid node started with both scheduler logs runs a session on its local worker and a worker
 * process, which is SIGKILLed mid-run: the transactions log has the documented lines for every
 * batch and worker (parsed here), the stats log its header and rows, {@code GetStats} and {@code
 * status --json} Work Queue's cumulative fields (submitted, dispatched, retried after the lost
 * worker, bytes, times, workers joined/lost), and {@code gridqueue plot} draws the stats log into a
 * PNG of the size asked.
 */
class GridLogsIT {
  private static final Path DIR = Path.of("target", "grid-logs-" + System.nanoTime());
  private static final Path TRANSACTIONS = DIR.resolve("transactions.log");
  private static final Path STATS = DIR.resolve("stats.log");
  private static final int TASKS = 300;

  @RegisterExtension
  static EmbeddedGrid grid =
      new EmbeddedGrid(2)
          .failureDetection(Duration.ofSeconds(3))
          .configure(b -> b.schedulerLogs(new SchedulerLogs(TRANSACTIONS, STATS)));

  private final List<Process> workers = new ArrayList<>();

  @AfterEach
  void killWorkers() throws Exception {
    for (Process p : workers) {
      p.destroyForcibly().waitFor();
    }
  }

  @Test
  void shouldLogEveryBatchAndWorkerEventAndCountWorkQueuesFieldsAcrossAKilledWorker()
      throws Exception {
    // given: the node's local worker and a worker process
    Process doomed = startWorker("doomed");
    await("the worker process joins")
        .atMost(Duration.ofSeconds(60))
        .until(() -> grid.server().ignite().cluster().forClients().nodes().size() == 1);
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    String sessionId;
    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp("sleep").batchSize(5).maxInflightBatchesPerWorker(4).build())) {
      sessionId = session.id();
      for (int i = 0; i < TASKS; i++) {
        session.submit("t" + i, "20".getBytes(StandardCharsets.US_ASCII)); // 20 ms each
      }
      session.finishSending();
      List<TaskResult> results = new ArrayList<>(session.awaitResults(30, Duration.ofSeconds(60)));

      // when: a worker is killed while it holds batches
      doomed.destroyForcibly().waitFor();
      results.addAll(session.awaitResults(TASKS - 30, Duration.ofSeconds(120)));
      assertThat(results).hasSize(TASKS);
      await("the killed worker is counted lost")
          .atMost(Duration.ofSeconds(30))
          .until(() -> client.stats().getWorkersLost() >= 1);

      // then: GetStats counts Work Queue's fields, the session's too
      Stats stats = client.stats();
      assertThat(stats.getTasksSubmitted()).isEqualTo(TASKS);
      assertThat(stats.getTasksRetried()).as("the killed worker's batches").isPositive();
      assertThat(stats.getTasksDispatched())
          .isGreaterThanOrEqualTo(stats.getTasksSubmitted() + stats.getTasksRetried());
      assertThat(stats.getWorkersJoined()).isGreaterThanOrEqualTo(2);
      assertThat(stats.getWorkersRemoved()).isGreaterThanOrEqualTo(stats.getWorkersLost());
      assertThat(stats.getBytesSent()).isPositive();
      assertThat(stats.getBytesReceived()).isPositive();
      assertThat(stats.getTimeWorkersExecute())
          .as("microseconds running 20 ms tasks")
          .isGreaterThan(1_000_000);
      assertThat(stats.getCapacityTasks()).isGreaterThanOrEqualTo(10);
      SessionStats mine = client.stats(sessionId).getSessions(0);
      assertThat(mine.getTasksSubmitted()).isEqualTo(TASKS);
      assertThat(mine.getTasksRetried()).isEqualTo(stats.getTasksRetried());
      assertThat(mine.getBytesSent()).isPositive();
      assertThat(stats.getWorkersList())
          .anySatisfy(w -> assertThat(w.getTasksDispatched()).isPositive());
    }

    // and: status --json carries them
    Run status = run("status", "--server", "localhost:" + grid.server().grpcPort(), "--json");
    assertThat(status.exit).isZero();
    JsonObject json = JsonParser.parseString(status.out.strip()).getAsJsonObject();
    assertThat(json.get("tasks_submitted").getAsLong()).isEqualTo(TASKS);
    assertThat(json.get("tasks_retried").getAsLong()).isPositive();
    assertThat(json.get("workers_lost").getAsLong()).isPositive();
    for (String field :
        List.of(
            "workers_joined",
            "workers_removed",
            "workers_fast_aborted",
            "workers_blocklisted",
            "tasks_dispatched",
            "bytes_sent",
            "bytes_received",
            "time_send",
            "time_receive",
            "time_workers_execute",
            "capacity_tasks",
            "capacity_cores",
            "capacity_memory",
            "capacity_disk",
            "capacity_instantaneous",
            "capacity_weighted",
            "bandwidth")) {
      assertThat(json.has(field)).as(field).isTrue();
    }
    java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
    StatusCommand.print(
        client.stats(), new java.io.PrintStream(text, true, StandardCharsets.UTF_8));
    assertThat(text.toString(StandardCharsets.UTF_8))
        .contains("300 submitted")
        .contains("(1 lost)")
        .contains("capacity: ");

    // and: the transactions log
    String node = grid.server().ignite().name();
    await("the transactions log shows the lost worker")
        .atMost(Duration.ofSeconds(10))
        .until(() -> Files.readString(TRANSACTIONS).contains(" DISCONNECTION LOST"));
    List<String> lines = Files.readAllLines(TRANSACTIONS);
    assertThat(lines.get(0)).startsWith("# gridqueue transactions log");
    assertThat(lines).contains("# time node BATCH batch_key RUNNING worker_id attempt tasks");
    Map<String, List<String[]>> byBatch = new HashMap<>();
    int doneTasks = 0;
    int workersConnected = 0;
    boolean started = false;
    for (String line : lines) {
      if (line.startsWith("#")) {
        continue;
      }
      String[] f = line.split(" ", 6);
      assertThat(Long.parseLong(f[0])).as("microseconds since the epoch").isGreaterThan(1L << 50);
      assertThat(f[1]).isEqualTo(node);
      switch (f[2]) {
        case "SCHEDULER" -> started |= f[3].equals("START");
        case "WORKER" -> {
          String[] w = line.split(" ");
          if (w[5].equals("CONNECTION")) {
            workersConnected++;
            assertThat(w[6]).isEqualTo("jvm");
            assertThat(w[8]).startsWith("{\"cores\":[");
          }
        }
        case "BATCH" -> {
          String[] b = line.split(" ");
          byBatch.computeIfAbsent(b[3], k -> new ArrayList<>()).add(b);
          if (b[4].equals("DONE")) {
            doneTasks += Integer.parseInt(b[7]) - Integer.parseInt(b[8]);
          }
        }
        default -> throw new AssertionError("unknown record: " + line);
      }
    }
    assertThat(started).isTrue();
    assertThat(workersConnected).isGreaterThanOrEqualTo(2);
    assertThat(doneTasks).as("tasks ended with a result").isEqualTo(TASKS);
    int retriedBatches = 0;
    for (List<String[]> events : byBatch.values()) {
      assertThat(events.get(0)[4]).isEqualTo("WAITING");
      assertThat(events.get(0)[5]).isEqualTo(sessionId);
      long running = events.stream().filter(e -> e[4].equals("RUNNING")).count();
      long retries = events.stream().filter(e -> e[4].equals("RETRY")).count();
      assertThat(running).isEqualTo(1 + retries);
      assertThat(events.get(events.size() - 1)[4]).isEqualTo("DONE");
      retriedBatches += retries > 0 ? 1 : 0;
      events.stream()
          .filter(e -> e[4].equals("RETRY"))
          .forEach(e -> assertThat(e[6]).isEqualTo("WORKER_LOST"));
    }
    assertThat(retriedBatches).isPositive();

    // and: the stats log, read back, ends with every task done and the lost worker
    await("the stats log has caught up")
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              List<StatsLogFile.Row> rows = StatsLogFile.read(STATS).rows();
              StatsLogFile.Row last = rows.get(rows.size() - 1);
              return last.get("tasks_done") == TASKS && last.get("workers_lost") >= 1;
            });
    assertThat(Files.readAllLines(STATS))
        .anyMatch(l -> l.startsWith("# timestamp workers_connected workers_idle workers_busy"));
    assertThat(StatsLogFile.read(STATS).rows().size()).isGreaterThan(2);

    // and: plot draws it
    Path png = DIR.resolve("run.png");
    Run plot =
        run("plot", STATS.toString(), "-o", png.toString(), "--width", "800", "--height", "600");
    assertThat(plot.exit).as(plot.err).isZero();
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(800);
    assertThat(image.getHeight()).isEqualTo(600);
    Files.copy(
        png,
        Path.of("target", "grid-logs-run.png"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private Process startWorker(String name) throws Exception {
    Files.createDirectories(DIR);
    Process p =
        SeparateWorkerProcessIT.sleepWorker(grid, name, DIR.resolve("worker-" + name + ".log"));
    workers.add(p);
    return p;
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) throws Exception {
    Path out = Files.createTempFile(Files.createDirectories(DIR), "out", ".txt");
    Path err = Files.createTempFile(DIR, "err", ".txt");
    Process p =
        SeparateWorkerProcessIT.launcher(args)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("gridqueue " + String.join(" ", args) + " did not end");
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
