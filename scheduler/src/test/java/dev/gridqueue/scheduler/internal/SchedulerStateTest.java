package dev.gridqueue.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gridqueue.grid.store.QueuedBatchRef;
import dev.gridqueue.grid.work.WorkerDescriptor;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SchedulerStateTest {
  private final SchedulerState state = new SchedulerState();
  private long sequence;

  @Test
  void shouldNotRunABatchAgainOnAWorkerWhoseNodeLeftUnderItsJob() {
    // given: a batch running on a worker
    session("s", "echo", 5, 1);
    String key = queue("s", 0, 1).get(0);
    UUID node = worker("doomed", 1, "echo");
    assertThat(state.assign()).extracting(Assignment::workerId).containsExactly("doomed");

    // when: its job fails because the node left, before the node's departure event is handled
    state.lostWithNode(key, "doomed", node);
    List<Assignment> meanwhile = state.assign();
    state.removeWorkersOn(node);
    worker("survivor", 1, "echo");

    // then: not sent to the dead worker again; the survivor runs it as attempt 2
    assertThat(meanwhile).isEmpty();
    assertThat(state.assign())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.workerId()).isEqualTo("survivor");
              assertThat(a.attempt()).isEqualTo(2);
            });
  }

  @Test
  void shouldServeHigherPrioritySessionFirst() {
    // given
    session("low", "echo", 1, 10);
    session("high", "echo", 9, 10);
    queue("low", 0, 3);
    queue("high", 0, 3);
    worker("w1", 1, "echo");

    // when
    List<Assignment> first = state.assign();

    // then: one worker, max 10 in flight -> all of "high" before any of "low"
    assertThat(first)
        .extracting(a -> a.batchKey().split("/")[0])
        .startsWith("high", "high", "high");
  }

  @Test
  void shouldOrderBatchesByPriorityThenFifo() {
    // given
    session("s", "echo", 5, 1);
    String a = queue("s", 0, 1).get(0);
    String b = queue("s", 3, 1).get(0);
    String c = queue("s", 0, 1).get(0);
    worker("w1", 1, "echo");

    // when / then: max in flight 1, so one at a time
    assertThat(state.assign()).extracting(Assignment::batchKey).containsExactly(b);
    state.finished(b, "w1", Fixtures.nothingCounted());
    assertThat(state.assign()).extracting(Assignment::batchKey).containsExactly(a);
    state.finished(a, "w1", Fixtures.nothingCounted());
    assertThat(state.assign()).extracting(Assignment::batchKey).containsExactly(c);
  }

  @Test
  void shouldCapBatchesInFlightPerWorker() {
    // given
    session("s", "echo", 5, 3);
    queue("s", 0, 10);
    worker("w1", 2, "echo");
    worker("w2", 2, "echo");

    // when
    List<Assignment> assigned = state.assign();

    // then
    assertThat(assigned).hasSize(6);
    assertThat(assigned.stream().filter(x -> x.workerId().equals("w1"))).hasSize(3);
    assertThat(state.queuedCount()).isEqualTo(4);
  }

  @Test
  void shouldOnlySendBatchesToWorkersServingTheApp() {
    // given
    session("e", "echo", 5, 10);
    session("p", "pi", 5, 10);
    queue("e", 0, 2);
    queue("p", 0, 2);
    worker("echo-only", 1, "echo");

    // when
    List<Assignment> assigned = state.assign();

    // then
    assertThat(assigned).hasSize(2).allSatisfy(a -> assertThat(a.appId()).isEqualTo("echo"));
    assertThat(state.queuedCount()).isEqualTo(2);
  }

  @Test
  void shouldTakeTurnsBetweenSessionsOfEqualPriority() {
    // given
    session("a", "echo", 5, 1);
    session("b", "echo", 5, 1);
    queue("a", 0, 5);
    queue("b", 0, 5);
    worker("w1", 1, "echo");
    worker("w2", 1, "echo");

    // when
    List<Assignment> assigned = state.assign();

    // then: max in flight 1 per worker and session; both sessions get a worker
    assertThat(assigned)
        .extracting(x -> x.batchKey().split("/")[0])
        .containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void shouldRequeueWhatALostWorkerWasRunning() {
    // given
    session("s", "echo", 5, 10);
    queue("s", 0, 4);
    UUID lostNode = worker("w1", 1, "echo");
    List<Assignment> onLost = state.assign();

    // when
    state.removeWorkersOn(lostNode);
    worker("w2", 1, "echo");
    List<Assignment> again = state.assign();

    // then: same batches, second attempt, on the new worker
    assertThat(again)
        .extracting(Assignment::batchKey)
        .containsExactlyInAnyOrderElementsOf(onLost.stream().map(Assignment::batchKey).toList());
    assertThat(again)
        .allSatisfy(
            a -> {
              assertThat(a.workerId()).isEqualTo("w2");
              assertThat(a.attempt()).isEqualTo(2);
            });
  }

  @Test
  void shouldIgnoreLateReportsFromAWorkerThatNoLongerHoldsTheBatch() {
    // given
    session("s", "echo", 5, 10);
    String key = queue("s", 0, 1).get(0);
    UUID node = worker("w1", 1, "echo");
    state.assign();
    state.removeWorkersOn(node);
    worker("w2", 1, "echo");
    state.assign();

    // when: the lost worker's job failure arrives after the batch moved on
    state.requeue(key, "w1", SchedulerState.Loss.JOB_FAILED, "late");

    // then
    assertThat(state.drainGivenUp()).isEmpty();
    assertThat(state.inFlightCount()).isEqualTo(1);
    assertThat(state.queuedCount()).isZero();
  }

  @Test
  void shouldGiveUpOnABatchWhoseJobKeepsFailing() {
    // given
    session("s", "echo", 5, 10);
    String key = queue("s", 0, 1).get(0);
    worker("w1", 1, "echo");

    // when
    for (int i = 0; i < RetryRules.MAX_JOB_FAILURES; i++) {
      state.assign();
      state.requeue(key, "w1", SchedulerState.Loss.JOB_FAILED, "boom");
    }

    // then
    assertThat(state.drainGivenUp())
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.batchKey()).isEqualTo(key);
              assertThat(g.reason()).contains("boom");
            });
    assertThat(state.queuedCount()).isZero();
    assertThat(state.inFlightCount()).isZero();
  }

  @Test
  void shouldIgnoreABatchReportedTwice() {
    // given
    session("s", "echo", 5, 10);
    QueuedBatchRef ref = new QueuedBatchRef("s/1", "s", 0, 1, 0);

    // when
    state.enqueue(ref);
    state.enqueue(ref);

    // then
    assertThat(state.queuedCount()).isEqualTo(1);
  }

  @Test
  void shouldDropQueuedBatchesOfAClosedSession() {
    // given
    session("s", "echo", 5, 10);
    queue("s", 0, 3);

    // when
    state.removeSession("s");
    worker("w1", 1, "echo");

    // then
    assertThat(state.assign()).isEmpty();
    assertThat(state.queuedCount()).isZero();
  }

  private void session(String id, String app, int priority, int maxInflight) {
    state.addSession(Fixtures.session(id, app, priority, maxInflight));
  }

  private List<String> queue(String sessionId, int priority, int count) {
    List<String> keys = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      String key = sessionId + "/" + (++sequence);
      state.enqueue(new QueuedBatchRef(key, sessionId, priority, sequence, 0));
      keys.add(key);
    }
    return keys;
  }

  private UUID worker(String id, int slots, String... apps) {
    UUID node = UUID.randomUUID();
    nodes.put(id, node);
    state.addWorker(new WorkerDescriptor(id, node, slots, Set.of(apps), Set.of()));
    return node;
  }

  @Test
  void shouldCountTasksWaitingRunningDoneAndFailedAndKeepGridTotalsAfterASessionCloses() {
    // given
    session("s", "echo", 5, 1);
    state.enqueue(new QueuedBatchRef("s/1", "s", 0, 1, 10));
    state.enqueue(new QueuedBatchRef("s/2", "s", 0, 2, 5));
    worker("w1", 1, "echo");

    // when
    Assignment first = state.assign().get(0);
    var running = Fixtures.figures(state, null);
    state.finished(first.batchKey(), "w1", Fixtures.ran(10, 3));
    state.removeSession("s");
    var after = Fixtures.figures(state, null);

    // then
    assertThat(running.sessions.get(0).tasksRunning).isEqualTo(10);
    assertThat(running.sessions.get(0).tasksWaiting).isEqualTo(5);
    assertThat(running.workersBusy).isEqualTo(1);
    assertThat(after.tasksDone).isEqualTo(7);
    assertThat(after.tasksFailed).isEqualTo(3);
    assertThat(after.workers.get(0).tasksDone).isEqualTo(7);
    assertThat(after.sessions).isEmpty();
  }

  @Test
  void shouldOnlySendBatchesToWorkersCarryingEveryTagOfTheSession() {
    // given
    state.addSession(
        SessionInfo.builder("gpu", "echo")
            .priority(5)
            .maxInflight(10)
            .tags("gpu", "eu")
            .workers(0, 0)
            .maxRetries(3)
            .build());
    queue("gpu", 0, 3);
    state.addWorker(new WorkerDescriptor("plain", UUID.randomUUID(), 1, Set.of("echo"), Set.of()));
    state.addWorker(
        new WorkerDescriptor("gpu-us", UUID.randomUUID(), 1, Set.of("echo"), Set.of("gpu", "us")));
    state.addWorker(
        new WorkerDescriptor(
            "gpu-eu", UUID.randomUUID(), 1, Set.of("echo"), Set.of("gpu", "eu", "big")));

    // when
    List<Assignment> assigned = state.assign();

    // then
    assertThat(assigned).hasSize(3).allSatisfy(a -> assertThat(a.workerId()).isEqualTo("gpu-eu"));
  }

  @Test
  void shouldNotSpreadASessionOverMoreThanMaxWorkers() {
    // given: 4 workers, a session capped at 2 workers
    state.addSession(
        SessionInfo.builder("capped", "echo")
            .priority(5)
            .maxInflight(10)
            .workers(0, 2)
            .maxRetries(3)
            .build());
    queue("capped", 0, 40);
    UUID first = worker("w1", 1, "echo");
    worker("w2", 1, "echo");
    worker("w3", 1, "echo");
    worker("w4", 1, "echo");

    // when
    List<Assignment> assigned = state.assign();

    // then: two workers, each up to the in-flight limit
    assertThat(assigned.stream().map(Assignment::workerId).distinct()).hasSize(2);
    assertThat(assigned).hasSize(20);
    assertThat(Fixtures.figures(state, "capped").sessions.get(0).workers).isEqualTo(2);

    // and a lost worker's place goes to another one
    String lost = assigned.get(0).workerId();
    state.removeWorkersOn(lost.equals("w1") ? first : nodeOf(lost));
    assertThat(state.assign().stream().map(Assignment::workerId).distinct().count()).isEqualTo(1);
    assertThat(Fixtures.figures(state, "capped").sessions.get(0).workers).isEqualTo(2);
  }

  private final java.util.Map<String, UUID> nodes = new java.util.HashMap<>();

  private UUID nodeOf(String workerId) {
    return nodes.get(workerId);
  }

  @Test
  void shouldGiveUpOnABatchLostWithItsWorkerMoreThanMaxRetriesTimes() {
    // given: max_retries 1, so at most 2 attempts
    state.addSession(
        SessionInfo.builder("s", "echo").priority(5).maxInflight(10).maxRetries(1).build());
    String key = queue("s", 0, 1).get(0);

    // when: every worker that takes it dies
    for (int attempt = 1; attempt <= 2; attempt++) {
      UUID node = worker("w" + attempt, 1, "echo");
      assertThat(state.assign())
          .singleElement()
          .satisfies(a -> assertThat(a.batchKey()).isEqualTo(key));
      state.removeWorkersOn(node);
    }

    // then
    assertThat(state.drainGivenUp())
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.attempts()).isEqualTo(2);
              assertThat(g.reason()).contains("max_retries 1");
            });
    worker("w3", 1, "echo");
    assertThat(state.assign()).as("not queued again").isEmpty();
  }

  @Test
  void shouldLetABatchOverrideTheSessionsMaxRetries() {
    // given: the session allows 3 retries, this batch none
    state.addSession(
        SessionInfo.builder("s", "echo").priority(5).maxInflight(10).maxRetries(3).build());
    QueuedBatchRef ref = new QueuedBatchRef("s/only", "s", 0, ++sequence, 1, null, null, 0);
    state.enqueue(ref);
    UUID node = worker("w1", 1, "echo");
    assertThat(state.assign()).hasSize(1);

    // when
    state.removeWorkersOn(node);

    // then
    assertThat(state.drainGivenUp())
        .singleElement()
        .satisfies(g -> assertThat(g.reason()).contains("max_retries 0"));
  }
}
