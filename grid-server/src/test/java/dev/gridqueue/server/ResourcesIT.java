package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.client.CommandTask;
import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.proto.v1.AllocationMode;
import dev.gridqueue.proto.v1.App;
import dev.gridqueue.proto.v1.CategoryLimits;
import dev.gridqueue.proto.v1.CategoryStats;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.ResourceUsage;
import dev.gridqueue.proto.v1.Resources;
import dev.gridqueue.proto.v1.ResultCode;
import dev.gridqueue.proto.v1.Session;
import dev.gridqueue.proto.v1.SessionAttributes;
import dev.gridqueue.proto.v1.SessionStats;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Resources measured and enforced, on a real grid with real processes: what command tasks and Java
 * handler tasks used on their results; a command past its declared memory or disk stopped with
 * RESULT_RESOURCE_EXHAUSTION naming the resource and the amounts; the retry with the category's
 * maximum (once, only when larger); the first allocation of a category that declares nothing,
 * computed from the measured history, in stats; the category limits' bad input refused.
 */
class ResourcesIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(2);

  private static final long MB = 1024 * 1024;

  /** Debian's interpreter: a pyenv shim would add a shell script and seconds to every start. */
  private static final String PYTHON =
      Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

  private static GridQueueClient client;

  @BeforeAll
  static void setUp() {
    client = new GridQueueClient(grid.newChannel());
  }

  /** A command holding {@code mb} MB of written memory for {@code seconds}. */
  private static String allocate(int mb, double seconds) {
    return PYTHON
        + " -c \"import time; b = b'x' * ("
        + mb
        + " * 1024 * 1024); time.sleep("
        + seconds
        + ")\"";
  }

  private static TaskSession commandSession(SessionOptions.Builder options) {
    return client.openSession(options.batchSize(1).build());
  }

  private static SessionOptions.Builder commands() {
    return SessionOptions.forApp(ContractLimits.COMMAND_APP_ID);
  }

  @Test
  void shouldReportWhatCommandsAndHandlersUsedOnTheirResults() throws Exception {
    try (TaskSession session = commandSession(commands())) {
      // when: a command holds 100 MB, writes 8 MB into its sandbox and burns CPU
      session.submit(
          "heavy",
          CommandTask.of(
                  "dd if=/dev/zero of=out.bin bs=1M count=8 2>/dev/null; "
                      + PYTHON
                      + " -c \"import time; b = b'x' * (100 * 1024 * 1024); t = time.time();\n"
                      + "while time.time() - t < 0.6: pass\"")
              .build());
      session.flush();
      TaskResult r = session.awaitResults(1, Duration.ofSeconds(60)).get(0);

      // then: its result carries the measured peaks
      assertThat(r.resultCode()).as(r.error()).isEqualTo(ResultCode.RESULT_SUCCESS);
      ResourceUsage u = r.run().getUsage();
      assertThat(u.getMemoryPeakBytes()).isGreaterThanOrEqualTo(100 * MB);
      assertThat(u.getDiskPeakBytes()).isGreaterThanOrEqualTo(8 * MB);
      assertThat(u.getCpuTimeUs()).isGreaterThan(0);
      assertThat(u.getWallTimeUs()).isGreaterThanOrEqualTo(600_000);
      assertThat(u.getCores()).isGreaterThan(0);
      assertThat(u.getMemoryIsAllocation()).isFalse();

      // when: a command that only waits runs next, in the shell the worker kept from the last
      session.submit("light", CommandTask.of("sleep 0.3").build());
      session.flush();
      TaskResult light = session.awaitResults(1, Duration.ofSeconds(60)).get(0);

      // then: its CPU time is its own, not the shell's earlier commands' too (it was u's and more)
      assertThat(light.run().getUsage().getCpuTimeUs())
          .as("after %s", u)
          .isLessThan(Math.min(100_000, u.getCpuTimeUs() / 2));

      // when: a command busy for less than a sampling period (the shell counting to 50,000)
      session.submit(
          "short", CommandTask.of("i=0; while [ $i -lt 50000 ]; do i=$((i+1)); done").build());
      session.flush();
      TaskResult quick = session.awaitResults(1, Duration.ofSeconds(60)).get(0);

      // then: its CPU time is counted all the same, read as it ends
      assertThat(quick.run().getUsage().getCpuTimeUs()).isGreaterThan(10_000);
    }
    try (TaskSession session = client.openSession(SessionOptions.forApp("echo").build())) {
      // when: a Java handler task runs
      session.submit("e", "hello".getBytes(StandardCharsets.UTF_8));
      session.flush();
      TaskResult r = session.awaitResults(1, Duration.ofSeconds(30)).get(0);

      // then: what its thread allocated and its wall time
      ResourceUsage u = r.run().getUsage();
      assertThat(u.getMemoryIsAllocation()).isTrue();
      assertThat(u.getMemoryPeakBytes()).isGreaterThan(0);
      assertThat(u.getWallTimeUs()).isGreaterThanOrEqualTo(0);
      assertThat(u.getDiskPeakBytes()).isZero();
    }
  }

  @Test
  void shouldStopACommandPastItsDeclaredMemoryOrDisk() throws Exception {
    try (TaskSession session = commandSession(commands())) {
      // when: one command takes 300 MB having declared 64, another writes 60 MB having declared 10
      session.submit("memory", CommandTask.of(allocate(300, 30)).resources(1, 64, 0, 0).build());
      session.submit(
          "disk",
          CommandTask.of("dd if=/dev/zero of=big bs=1M count=60 2>/dev/null; sleep 30")
              .resources(1, 0, 10, 0)
              .build());
      session.flush();
      List<TaskResult> ended = session.awaitResults(2, Duration.ofSeconds(60));

      // then: both stopped (not after their 30 s), ended with the resource named and the amounts
      TaskResult memory = byId(ended, "memory");
      assertThat(memory.isDeadLetter()).isTrue();
      assertThat(memory.resultCode()).isEqualTo(ResultCode.RESULT_RESOURCE_EXHAUSTION);
      assertThat(memory.error()).matches("memory: peak \\d+ MB > 64 MB declared");
      assertThat(memory.run().getUsage().getMemoryPeakBytes()).isGreaterThan(64 * MB);
      assertThat(memory.run().getUsage().getWallTimeUs()).isLessThan(30_000_000);
      assertThat(memory.attempts()).isEqualTo(1);
      TaskResult disk = byId(ended, "disk");
      assertThat(disk.resultCode()).isEqualTo(ResultCode.RESULT_RESOURCE_EXHAUSTION);
      assertThat(disk.error()).matches("disk: sandbox \\d+ MB > 10 MB declared");
      assertThat(disk.run().getUsage().getWallTimeUs()).isLessThan(30_000_000);
    }
  }

  @Test
  void shouldRetryOnceWithTheCategorysMaximumWhenLarger() throws Exception {
    CategoryLimits upTo400 =
        CategoryLimits.newBuilder()
            .setMax(Resources.newBuilder().setCores(1).setMemoryMb(400))
            .build();
    CategoryLimits upTo100 =
        CategoryLimits.newBuilder()
            .setMax(Resources.newBuilder().setCores(1).setMemoryMb(100))
            .build();
    try (TaskSession session =
        commandSession(
            commands().categoryLimits("grow", upTo400).categoryLimits("small", upTo100))) {
      // when: 200 MB under 64 declared, in a category whose max (400) holds it, and in one whose
      // max (100) does not
      session.submit(
          "fits-at-max",
          CommandTask.of(allocate(200, 0.5)).resources(1, 64, 0, 0).category("grow").build());
      session.submit(
          "too-big",
          CommandTask.of(allocate(200, 30)).resources(1, 64, 0, 0).category("small").build());
      session.flush();
      List<TaskResult> ended = session.awaitResults(2, Duration.ofSeconds(90));

      // then: the first ran again with 400 MB and succeeded; the second ran again with 100 MB,
      // went past it too and ended
      TaskResult grown = byId(ended, "fits-at-max");
      assertThat(grown.resultCode()).as(grown.error()).isEqualTo(ResultCode.RESULT_SUCCESS);
      assertThat(grown.run().getAttempt()).isEqualTo(2);
      TaskResult tooBig = byId(ended, "too-big");
      assertThat(tooBig.resultCode()).isEqualTo(ResultCode.RESULT_RESOURCE_EXHAUSTION);
      assertThat(tooBig.error()).matches("memory: peak \\d+ MB > 100 MB declared");
      assertThat(tooBig.run().getAttempt()).isEqualTo(2);
      SessionStats stats = client.stats(session.id()).getSessions(0);
      assertThat(category(stats, "grow").getBatchesRetriedAtMax()).isEqualTo(1);
      assertThat(category(stats, "small").getBatchesRetriedAtMax()).isEqualTo(1);
      assertThat(category(stats, "small").getTasksExhausted()).isEqualTo(2);
    }
  }

  @Test
  void shouldSizeACategoryFromItsMeasuredHistory() throws Exception {
    CategoryLimits auto =
        CategoryLimits.newBuilder()
            .setMax(Resources.newBuilder().setCores(1).setMemoryMb(500))
            .setMode(AllocationMode.ALLOCATION_MODE_MAX)
            .build();
    try (TaskSession session = commandSession(commands().categoryLimits("auto", auto))) {
      String id = session.id();
      // when: 10 tasks of the category holding ~30 MB each have run (with no history, each got
      // the category's max)
      for (int i = 0; i < 10; i++) {
        session.submit("small-" + i, CommandTask.of(allocate(30, 0.3)).category("auto").build());
      }
      session.flush();
      List<TaskResult> small = session.awaitResults(10, Duration.ofSeconds(120));
      assertThat(small).allMatch(r -> r.resultCode() == ResultCode.RESULT_SUCCESS);

      // then: the first allocation is the largest peak measured (mode max), far below the max
      CategoryStats measured = category(client.stats(id).getSessions(0), "auto");
      assertThat(measured.getTasksMeasured()).isEqualTo(10);
      assertThat(measured.getPeak().getMemoryMb()).isBetween(30L, 200L);
      assertThat(measured.getFirstAllocation().getMemoryMb())
          .isEqualTo(measured.getPeak().getMemoryMb());

      // and: a task of the category needing more than that runs out of it and runs again at max
      session.submit("big", CommandTask.of(allocate(250, 0.3)).category("auto").build());
      session.flush();
      TaskResult big = session.awaitResults(1, Duration.ofSeconds(60)).get(0);
      assertThat(big.resultCode()).as(big.error()).isEqualTo(ResultCode.RESULT_SUCCESS);
      assertThat(big.run().getAttempt()).isEqualTo(2);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(
                          category(client.stats(id).getSessions(0), "auto")
                              .getBatchesRetriedAtMax())
                      .isEqualTo(1));
    }
  }

  @Test
  void shouldRefuseBadCategoryLimitsNamingTheField() {
    QueueGrpc.QueueBlockingStub queue = QueueGrpc.newBlockingStub(grid.newChannel());
    int sessionsBefore = client.stats().getSessionsCount();
    CategoryLimits minAboveMax =
        CategoryLimits.newBuilder()
            .setMax(Resources.newBuilder().setMemoryMb(100))
            .setMin(Resources.newBuilder().setMemoryMb(200))
            .build();
    CategoryLimits absurd =
        CategoryLimits.newBuilder()
            .setMax(Resources.newBuilder().setMemoryMb(ContractLimits.RESOURCE_MEMORY_MB_MAX + 1))
            .build();
    CategoryLimits unknownMode = CategoryLimits.newBuilder().setModeValue(7).build();

    assertInvalid(
        queue,
        minAboveMax,
        "attributes.category_limits[c].min.memory_mb (200) must not exceed max.memory_mb (100)");
    assertInvalid(queue, absurd, "attributes.category_limits[c].max.memory_mb");
    assertInvalid(queue, unknownMode, "attributes.category_limits[c].mode");
    // nothing was created
    assertThat(client.stats().getSessionsCount()).isEqualTo(sessionsBefore);
  }

  private static void assertInvalid(
      QueueGrpc.QueueBlockingStub queue, CategoryLimits limits, String message) {
    Session request =
        Session.newBuilder()
            .setApp(App.newBuilder().setId("echo"))
            .setAttributes(SessionAttributes.newBuilder().putCategoryLimits("c", limits))
            .build();
    assertThatThrownBy(() -> queue.createSession(request))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains(message);
            });
  }

  private static CategoryStats category(SessionStats stats, String name) {
    return stats.getCategoriesList().stream()
        .filter(c -> c.getCategory().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no category " + name + " in " + stats));
  }

  private static TaskResult byId(List<TaskResult> results, String id) {
    return results.stream().filter(r -> r.taskId().equals(id)).findFirst().orElseThrow();
  }
}
