package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.proto.v1.WorkerStats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker that speaks only the gRPC worker protocol serves sessions, scheduled like any worker.
 */
class PolyglotWorkerIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(0);

  @Test
  void shouldServeASessionWithAWorkerWrittenAgainstTheProtoAlone() throws Exception {
    // given
    ProtoOnlyWorker worker =
        grid.closeAfter(new ProtoOnlyWorker(grid.newChannel(), List.of("node")));
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> polyglot(client).stream().anyMatch(w -> w.getTagsList().contains("node")));
    assertThat(worker.workerId()).startsWith("grpc-");
    assertThat(polyglot(client))
        .filteredOn(w -> w.getTagsList().contains("node"))
        .singleElement()
        .satisfies(w -> assertThat(w.getWorkerId()).isEqualTo(worker.workerId()));

    // when
    List<TaskResult> results;
    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp("upper").tags(List.of("node")).batchSize(50).build())) {
      for (int i = 0; i < 2_000; i++) {
        session.submit("t" + i, ("task " + i).getBytes(StandardCharsets.UTF_8));
      }
      session.finishSending();
      results = session.awaitResults(2_000, Duration.ofSeconds(30));
    }

    // then: every task once, computed by the polyglot worker, which was told BIND then UNBIND
    Set<String> ids = new HashSet<>();
    for (TaskResult r : results) {
      assertThat(ids.add(r.taskId())).isTrue();
      assertThat(r.run().getWorkerId()).isEqualTo(worker.workerId());
      assertThat(r.run().getAttempt()).isEqualTo(1);
      assertThat(new String(r.payload(), StandardCharsets.UTF_8))
          .isEqualTo("TASK " + r.taskId().substring(1));
    }
    assertThat(ids).hasSize(2_000);
    assertThat(worker.tasksRun.get()).isEqualTo(2_000);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(worker.instructions).first().asString().startsWith("BIND"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(worker.instructions).last().asString().startsWith("UNBIND"));
  }

  @Test
  void shouldRunAgainElsewhereWhatAPolyglotWorkerHeldWhenItDies() throws Exception {
    // given: a worker that takes batches and never answers, then crashes
    ProtoOnlyWorker dying = new ProtoOnlyWorker(grid.newChannel(), List.of("crash"));
    dying.stalled = true;
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> polyglot(client).stream().anyMatch(w -> w.getTagsList().contains("crash")));
    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp("upper").tags(List.of("crash")).batchSize(10).build())) {
      for (int i = 0; i < 100; i++) {
        session.submit("t" + i, ("x" + i).getBytes(StandardCharsets.UTF_8));
      }
      session.finishSending();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> client.stats(session.id()).getSessions(0).getTasksRunning() > 0);

      // when
      dying.crash();
      ProtoOnlyWorker healthy =
          grid.closeAfter(new ProtoOnlyWorker(grid.newChannel(), List.of("crash")));

      // then: every task completes once, on the healthy worker
      List<TaskResult> results = session.awaitResults(100, Duration.ofSeconds(30));
      assertThat(results).extracting(TaskResult::taskId).doesNotHaveDuplicates().hasSize(100);
      assertThat(healthy.tasksRun.get()).isEqualTo(100);
    }
  }

  private static List<WorkerStats> polyglot(GridQueueClient client) {
    return client.stats().getWorkersList().stream()
        .filter(w -> w.getKind().equals("grpc"))
        .toList();
  }
}
