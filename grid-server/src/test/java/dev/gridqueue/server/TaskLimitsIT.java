package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.proto.v1.ResultCode;
import dev.gridqueue.worker.WorkerNode;
import dev.gridqueue.worker.WorkerOptions;
import dev.gridqueue.worker.apps.SleepHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tasks that end without a result, through the Java client on a real grid: cancelled (by id, by
 * tag, all; before and while running, after done), stopped at their maximum running time (a hanging
 * handler), fast-aborted until out of retries. Every task ends in exactly one state.
 */
class TaskLimitsIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(0);

  @BeforeAll
  static void startWorkers() {
    for (String id : List.of("a", "b")) {
      grid.closeAfter(
          WorkerNode.start(
              grid.ports().options(grid.name() + "-" + id).workDirectory(grid.workDir()).build(),
              WorkerOptions.newBuilder().workerId(id).slots(1).apps(Set.of("sleep")).build()));
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> grid.server().ignite().cluster().forClients().nodes().size() == 2);
  }

  @Test
  void shouldCancelQueuedTasksByIdAndTagAndLetRunningAndDoneOnesEndOnce() throws Exception {
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp("sleep").maxInflightBatchesPerWorker(1).batchSize(1).build())) {
      // given: one quick task done, one long task running, 20 waiting (one worker slot each)
      session.submit("done", ms(1));
      session.flush();
      assertThat(session.awaitResults(1, Duration.ofSeconds(10)).get(0).succeeded()).isTrue();
      session.submit("running", ms(1500));
      session.submit("running-2", ms(1500));
      for (int i = 0; i < 20; i++) {
        session.submit("q" + i, ms(10), i % 2 == 0 ? "even" : "odd");
      }
      session.flush();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> client.stats(session.id()).getSessions(0).getTasksRunning() == 2);

      // when: cancel the done one, a running one, two waiting ones by id and the "even" ones by tag
      session.cancel(List.of("done", "running", "q1", "q3"), List.of("even"));
      session.finishSending();
      List<TaskResult> ended = session.awaitResults(22, Duration.ofSeconds(30));

      // then: each task ends once; the running one cancelled is stopped, the other finishes; the
      // named waiting ones never run
      Map<String, TaskResult> byId =
          ended.stream().collect(Collectors.toMap(TaskResult::taskId, Function.identity()));
      assertThat(byId).hasSize(22).doesNotContainKey("done");
      assertThat(byId.get("running").resultCode()).isEqualTo(ResultCode.RESULT_CANCELLED);
      assertThat(byId.get("running-2").succeeded()).isTrue();
      for (int i = 0; i < 20; i++) {
        TaskResult r = byId.get("q" + i);
        boolean cancelled = i % 2 == 0 || i == 1 || i == 3;
        assertThat(r.isDeadLetter()).as("q" + i).isEqualTo(cancelled);
        if (cancelled) {
          assertThat(r.error()).isEqualTo("cancelled by the client");
        }
      }
      // the scheduler counts a batch once its job's report arrives, a moment after the results
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(client.stats(session.id()).getTasksCancelled())
                      .isGreaterThanOrEqualTo(12));
    }
  }

  @Test
  void shouldInterruptARunningHandlerTaskWhenItIsCancelled() throws Exception {
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    try (TaskSession session =
        client.openSession(SessionOptions.forApp("sleep").batchSize(1).build())) {
      // given: a handler task that would sleep for ten minutes, inside its handler (the workers
      // run in this JVM: a thread in SleepHandler is it; none before, from the other tests)
      await().atMost(Duration.ofSeconds(10)).until(() -> !aSleepHandlerRuns());
      session.submit("long", ms(600_000));
      session.flush();
      await().atMost(Duration.ofSeconds(10)).until(TaskLimitsIT::aSleepHandlerRuns);

      // when
      session.cancel(List.of("long"), List.of());

      // then: its thread is interrupted and it ends cancelled (not after ten minutes)
      TaskResult r = session.awaitResults(1, Duration.ofSeconds(20)).get(0);
      assertThat(r.resultCode()).isEqualTo(ResultCode.RESULT_CANCELLED);
      assertThat(r.error()).isEqualTo("cancelled by the client while running");
    }
  }

  @Test
  void shouldCancelEverythingLeftInASession() throws Exception {
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    try (TaskSession session =
        client.openSession(SessionOptions.forApp("sleep").batchSize(1).build())) {
      for (int i = 0; i < 50; i++) {
        session.submit("t" + i, ms(100));
      }
      session.flush();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> client.stats(session.id()).getSessions(0).getTasksRunning() > 0);

      session.cancelAll();
      session.finishSending();
      List<TaskResult> ended = session.awaitResults(50, Duration.ofSeconds(30));

      assertThat(ended).extracting(TaskResult::taskId).doesNotHaveDuplicates().hasSize(50);
      assertThat(ended.stream().filter(TaskResult::isDeadLetter).count()).isGreaterThan(30);
    }
  }

  @Test
  void shouldStopAHangingTaskAtItsMaximumRunningTime() throws Exception {
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp("sleep").maxTaskRunningTime(Duration.ofMillis(300)).build())) {
      session.submit("hangs", ms(600_000));
      session.submit("quick", ms(5));
      session.finishSending();

      Map<String, TaskResult> byId =
          session.awaitResults(2, Duration.ofSeconds(30)).stream()
              .collect(Collectors.toMap(TaskResult::taskId, Function.identity()));

      assertThat(byId.get("hangs").isDeadLetter()).isTrue();
      assertThat(byId.get("hangs").error()).startsWith("MAX_WALLTIME");
      assertThat(byId.get("quick").succeeded()).isTrue();
    }
  }

  @Test
  void shouldFastAbortABatchFarSlowerThanItsCategoryAndRetryItElsewhere() throws Exception {
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp("sleep")
                .fastAbortMultiplier(3)
                .maxRetries(1)
                .batchSize(1)
                .build())) {
      // given: 12 batches of 20 ms set the mean (sent one at a time, so the server stores each
      // as a batch of its own: under load it would merge them)
      for (int i = 0; i < 12; i++) {
        session.submit("fast" + i, ms(20));
        session.flush();
        session.awaitResults(1, Duration.ofSeconds(30));
      }

      // when: a batch takes 60 s
      session.submit("slow", ms(60_000));
      session.finishSending();
      TaskResult slow = session.awaitResults(1, Duration.ofSeconds(30)).get(0);

      // then: aborted on one worker, retried on the other, aborted again: out of retries
      assertThat(slow.isDeadLetter()).isTrue();
      assertThat(slow.error()).startsWith("task fast-aborted (too slow) in each of 2 attempts");
      assertThat(slow.attempts()).isEqualTo(2);
    }
  }

  private static boolean aSleepHandlerRuns() {
    return Thread.getAllStackTraces().values().stream()
        .flatMap(java.util.Arrays::stream)
        .anyMatch(f -> f.getClassName().equals(SleepHandler.class.getName()));
  }

  private static byte[] ms(int millis) {
    return Integer.toString(millis).getBytes(StandardCharsets.US_ASCII);
  }
}
