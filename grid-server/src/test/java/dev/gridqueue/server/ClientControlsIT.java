package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.Timestamps;
import dev.gridqueue.client.BatchOptions;
import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.GridQueueException;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.worker.WorkerNode;
import dev.gridqueue.worker.WorkerOptions;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Java client's per-batch controls (BatchOptions: batch priority, category, resources, max
 * retries; task tags) reaching the grid, and Work Queue's {@code hungry()}, {@code wait(timeout)}
 * and {@code empty()}. A grid without a local worker: each test starts the worker it needs, after
 * its tasks are queued, so what runs first is the scheduler's choice alone.
 */
class ClientControlsIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(0);

  private GridQueueClient client;

  @BeforeEach
  void noWorkerLeft() {
    client = new GridQueueClient(grid.newChannel());
    await().atMost(Duration.ofSeconds(30)).until(() -> client.stats().getWorkersConnected() == 0);
  }

  @Test
  void shouldRunHigherPriorityBatchesOfASessionFirst() throws Exception {
    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp("sleep").batchSize(1).maxInflightBatchesPerWorker(1).build())) {
      // given: a reduce phase at batch priority 0 queued before a map phase at batch priority 5
      for (int i = 0; i < 4; i++) {
        session.submit("reduce" + i, ms(20));
      }
      session.useBatchOptions(BatchOptions.newBuilder().priority(5).build());
      for (int i = 0; i < 4; i++) {
        session.submit("map" + i, ms(20));
      }
      session.flush();
      await().until(() -> waiting(session) == 8);

      // when: a worker comes
      try (WorkerNode worker = worker("w1", 1, Set.of("sleep"))) {
        List<TaskResult> results = session.awaitResults(8, Duration.ofSeconds(30));

        // then: every map task started before any reduce task, though sent after them
        long lastMap = 0;
        long firstReduce = Long.MAX_VALUE;
        for (TaskResult r : results) {
          assertThat(r.succeeded()).as(r.taskId()).isTrue();
          long started = Timestamps.toNanos(r.run().getStarted());
          if (r.taskId().startsWith("map")) {
            lastMap = Math.max(lastMap, started);
          } else {
            firstReduce = Math.min(firstReduce, started);
          }
        }
        assertThat(lastMap).isLessThan(firstReduce);
      }
    }
  }

  @Test
  void shouldCarryCategoryResourcesAndMaxRetriesAndCancelByTag() throws Exception {
    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp("echo").category("small", 1, 0, 0, 0).batchSize(2).build())) {
      // given: tagged tasks in batches of a category, with resources and max retries of their own
      session.useBatchOptions(BatchOptions.newBuilder().category("small").maxRetries(0).build());
      for (int i = 0; i < 6; i++) {
        session.submit("c" + i, new byte[] {1}, i % 2 == 0 ? "even" : "odd");
      }
      session.useBatchOptions(BatchOptions.newBuilder().resources(2, 0, 0, 0).priority(1).build());
      for (int i = 0; i < 4; i++) {
        session.submit("r" + i, new byte[] {2}, "odd");
      }
      session.useBatchOptions(BatchOptions.NONE);
      session.flush();
      await().until(() -> waiting(session) == 10);

      // when: the "even" tasks are cancelled, then a worker offering 2 cores comes
      session.cancel(List.of(), List.of("even"));
      try (WorkerNode worker = worker("w2", 2, Set.of("echo"))) {
        Map<String, TaskResult> byId = new HashMap<>();
        session.awaitResults(10, Duration.ofSeconds(30)).forEach(r -> byId.put(r.taskId(), r));

        // then
        for (int i = 0; i < 6; i++) {
          assertThat(byId.get("c" + i).isDeadLetter()).as("c" + i).isEqualTo(i % 2 == 0);
        }
        for (int i = 0; i < 4; i++) {
          assertThat(byId.get("r" + i).succeeded()).as("r" + i).isTrue();
        }
      }
    }
    assertThatThrownBy(() -> BatchOptions.newBuilder().maxRetries(101))
        .hasMessageContaining("maxRetries must be between 0 and 100");
    assertThatThrownBy(() -> BatchOptions.newBuilder().priority(-1))
        .hasMessageContaining("batch priority must be between 0 and 2147483647");
  }

  @Test
  void shouldBeHungryWhileFewerTasksWaitThanTheWorkersCouldStartTwiceOver() throws Exception {
    // The session asks for a tag no worker carries, so its tasks keep waiting whoever joins.
    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp("sleep").batchSize(5).tags(List.of("nowhere")).build())) {
      // given: no worker: hungry below Work Queue's minimum of 10 waiting tasks
      for (int i = 0; i < 9; i++) {
        session.submit("t" + i, ms(1));
      }
      assertThat(session.hungry()).isTrue();
      session.submit("t9", ms(1));
      assertThat(session.hungry()).isFalse();
      session.flush();
      await().until(() -> waiting(session) == 10);

      // when: a worker with 2 slots serving another app joins
      try (WorkerNode other = worker("w3", 2, Set.of("echo"))) {
        await().until(() -> client.stats().getTotalSlots() == 2);

        // then: it cannot start the session's tasks, so the session stays sated
        await()
            .during(Duration.ofMillis(300))
            .atMost(Duration.ofSeconds(5))
            .until(() -> !session.hungry());

        // when: a worker with 2 slots serving the app joins: 2 x 2 slots x batches of 5 = 20
        try (WorkerNode serving = worker("w5", 2, Set.of("sleep"))) {
          await().until(() -> client.stats().getTotalSlots() == 4);

          // then
          await().until(session::hungry);
          for (int i = 10; i < 20; i++) {
            session.submit("t" + i, ms(1));
          }
          assertThat(session.hungry()).isFalse();
          session.cancelAll();
        }
      }
    }
  }

  @Test
  void shouldEndTheWaitWhenAnotherClientClosesTheSession() throws Exception {
    // given: a session whose task waits (its tag is on no worker), a client waiting for results
    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp("sleep").batchSize(1).tags(List.of("nowhere")).build())) {
      session.submit("t", ms(1));
      session.flush();
      await().until(() -> waiting(session) == 1);

      // when: another client closes it
      new GridQueueClient(grid.newChannel()).closeSession(session.id());

      // then: the wait ends NOT_FOUND naming the session, instead of lasting forever
      assertThatThrownBy(() -> session.poll(Duration.ofSeconds(30)))
          .isInstanceOfSatisfying(
              GridQueueException.class,
              e -> assertThat(e.status().getCode()).isEqualTo(Status.Code.NOT_FOUND))
          .hasMessageContaining(session.id());
    }
  }

  @Test
  void shouldWaitForTheNextResultSendingAPartialBatchFirst() throws Exception {
    try (WorkerNode worker = worker("w4", 1, Set.of("echo"));
        TaskSession session =
            client.openSession(SessionOptions.forApp("echo").batchSize(100).build())) {
      // given: fewer tasks than a batch, not flushed
      for (int i = 0; i < 3; i++) {
        session.submit("t" + i, new byte[] {(byte) i});
      }
      assertThat(session.empty()).isFalse();

      // when
      int got = 0;
      for (Optional<TaskResult> r; (r = session.waitFor(Duration.ofSeconds(30))).isPresent(); ) {
        got++;
        if (got == 3) {
          break;
        }
      }

      // then: all three came without a flush, and nothing more is coming
      assertThat(got).isEqualTo(3);
      assertThat(session.empty()).isTrue();
      assertThat(session.waitFor(Duration.ofMillis(50))).isEmpty();
    }
  }

  private long waiting(TaskSession session) {
    var stats = client.stats(session.id());
    return stats.getSessionsCount() == 0 ? 0 : stats.getSessions(0).getTasksWaiting();
  }

  private static byte[] ms(int millis) {
    return Integer.toString(millis).getBytes(StandardCharsets.US_ASCII);
  }

  private static WorkerNode worker(String id, int slots, Set<String> apps) {
    int before = grid.server().ignite().cluster().forClients().nodes().size();
    WorkerNode node =
        WorkerNode.start(
            grid.ports().options(grid.name() + "-" + id).workDirectory(grid.workDir()).build(),
            WorkerOptions.newBuilder().workerId(id).slots(slots).apps(apps).build());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> grid.server().ignite().cluster().forClients().nodes().size() == before + 1);
    return node;
  }
}
