package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A polyglot worker that takes batches and never answers loses each at its deadline: the batch runs
 * on another worker, counted as an attempt, and the rogue's late answers are ignored.
 */
class PolyglotWorkerDeadlineIT {
  @RegisterExtension
  static EmbeddedGrid grid =
      new EmbeddedGrid(0).configure(b -> b.workerBatchDeadline(Duration.ofSeconds(2)));

  @Test
  void shouldRunElsewhereWhatAPolyglotWorkerHoldsPastItsDeadline() throws Exception {
    // given: a rogue worker that answers each batch only after the grid has taken it back
    ProtoOnlyWorker rogue =
        grid.closeAfter(new ProtoOnlyWorker(grid.newChannel(), List.of("deadline")));
    rogue.withholding = true;
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    awaitRegistered(client, "deadline");
    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp("upper")
                .tags(List.of("deadline"))
                .batchSize(10)
                // one batch at a time: the rogue answers each when the next arrives, that is
                // after the grid took it back (the answer must be ignored)
                .maxInflightBatchesPerWorker(1)
                .build())) {
      for (int i = 0; i < 100; i++) {
        session.submit("t" + i, ("task " + i).getBytes(StandardCharsets.UTF_8));
      }
      session.finishSending();

      // when: the rogue loses batch after batch until the grid unbinds it from the session
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> rogue.instructions.contains("UNBIND " + session.id()));
      ProtoOnlyWorker honest =
          grid.closeAfter(new ProtoOnlyWorker(grid.newChannel(), List.of("deadline")));
      List<TaskResult> results = session.awaitResults(100, Duration.ofSeconds(30));
      rogue.answerLate();

      // then: every task once, computed by the honest worker; those the rogue held on attempt 2
      assertThat(results).extracting(TaskResult::taskId).doesNotHaveDuplicates().hasSize(100);
      assertThat(results)
          .allSatisfy(
              r ->
                  assertThat(new String(r.payload(), StandardCharsets.UTF_8))
                      .isEqualTo("TASK " + r.taskId().substring(1)));
      assertThat(rogue.heldTaskIds).hasSizeGreaterThanOrEqualTo(30); // 3 strikes: unbound
      assertThat(results)
          .filteredOn(r -> r.attempts() == 2)
          .extracting(TaskResult::taskId)
          .containsExactlyInAnyOrderElementsOf(rogue.heldTaskIds);
      assertThat(results)
          .filteredOn(r -> !rogue.heldTaskIds.contains(r.taskId()))
          .allSatisfy(r -> assertThat(r.attempts()).isEqualTo(1));
      assertThat(honest.tasksRun.get()).isEqualTo(100);
    }
  }

  @Test
  void shouldDeadLetterABatchHeldPastItsDeadlineMoreThanMaxRetriesTimes() throws Exception {
    // given: only a rogue worker serves the session, which allows no retry
    ProtoOnlyWorker rogue =
        grid.closeAfter(new ProtoOnlyWorker(grid.newChannel(), List.of("deadline-only")));
    rogue.withholding = true;
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    awaitRegistered(client, "deadline-only");
    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp("upper")
                .tags(List.of("deadline-only"))
                .maxRetries(0)
                .batchSize(5)
                .build())) {
      // when
      for (int i = 0; i < 5; i++) {
        session.submit("d" + i, ("task " + i).getBytes(StandardCharsets.UTF_8));
      }
      session.finishSending();

      // then: the tasks end as dead letters saying why
      List<TaskResult> results = session.awaitResults(5, Duration.ofSeconds(30));
      assertThat(results)
          .hasSize(5)
          .allSatisfy(
              r -> {
                assertThat(r.isDeadLetter()).isTrue();
                assertThat(r.errorMessage()).get().asString().contains("past its deadline");
              });
    }
  }

  private static void awaitRegistered(GridQueueClient client, String tag) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                client.stats().getWorkersList().stream()
                    .anyMatch(w -> w.getKind().equals("grpc") && w.getTagsList().contains(tag)));
  }
}
