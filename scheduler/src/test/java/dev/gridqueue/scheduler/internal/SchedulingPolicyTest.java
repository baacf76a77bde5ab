package dev.gridqueue.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gridqueue.grid.store.QueuedBatchRef;
import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.grid.work.WorkerDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The scheduling rules of {@link SchedulerState} (priorities, min/max workers, preemption, fair
 * share, resource fit, fast abort), driven with a fake clock.
 */
class SchedulingPolicyTest {
  private static final long QUANTUM = 1_000_000_000L;
  private final AtomicLong now = new AtomicLong();
  private final SchedulerState state = new SchedulerState(now::get, QUANTUM);

  /** Batch key to the worker it runs on, as the scheduler decided. */
  private final Map<String, String> running = new HashMap<>();

  private long sequence;

  @Test
  void shouldGiveTheUrgentSessionTheWorkersAndTheOtherWhatRemains() {
    // given: 4 one-slot workers; max 1 batch in flight per worker
    state.addSession(SessionInfo.builder("urgent", "echo").priority(10).maxInflight(1).build());
    state.addSession(SessionInfo.builder("low", "echo").priority(1).maxInflight(1).build());
    queue("urgent", 3);
    queue("low", 10);
    workers(4, 1);

    // when
    Map<String, Integer> bySession = countBySession(assign());

    // then
    assertThat(bySession).containsEntry("urgent", 3).containsEntry("low", 1);
  }

  @Test
  void shouldGiveEveryWorkerToTheUrgentSessionWhenItHasWorkForAll() {
    // given
    state.addSession(SessionInfo.builder("urgent", "echo").priority(10).maxInflight(1).build());
    state.addSession(SessionInfo.builder("low", "echo").priority(1).maxInflight(1).build());
    queue("urgent", 10);
    queue("low", 10);
    workers(4, 1);

    // when / then
    assertThat(countBySession(assign())).containsOnlyKeys("urgent").containsEntry("urgent", 4);
  }

  @Test
  void shouldTakeWorkersFromAPreemptibleSessionAfterTheCurrentBatchAndGiveThemBack() {
    // given: a preemptible background session holds all 4 workers, 2 batches each
    state.addSession(
        SessionInfo.builder("background", "echo").priority(1).maxInflight(2).preemptible().build());
    queue("background", 40);
    workers(4, 1);
    List<Assignment> first = assign();
    assertThat(first).hasSize(8);

    // when: an urgent session arrives
    state.addSession(SessionInfo.builder("urgent", "echo").priority(10).maxInflight(2).build());
    queue("urgent", 8);
    assertThat(assign()).isEmpty();
    List<Instruction> unbinds = state.drainInstructions();

    // then: every worker is told UNBIND, unstarted batches to come back
    assertThat(unbinds)
        .hasSize(4)
        .allSatisfy(
            i -> {
              assertThat(i.bind()).isFalse();
              assertThat(i.sessionId()).isEqualTo("background");
              assertThat(i.returnUnstarted()).isTrue();
            });

    // when: on each worker one batch finishes and the other comes back unstarted
    Map<String, List<String>> heldByWorker = byWorker(first);
    heldByWorker.forEach(
        (worker, keys) -> {
          finish(keys.get(0));
          state.returnedUnstarted(keys.get(1), worker);
          running.remove(keys.get(1));
        });
    List<Assignment> urgentRun = assign();

    // then: the urgent session has every worker; the returned batches were not counted as attempts
    assertThat(countBySession(urgentRun)).containsOnlyKeys("urgent").containsEntry("urgent", 8);
    assertThat(byWorker(urgentRun)).hasSize(4);

    // when: the urgent work is done
    urgentRun.forEach(a -> finish(a.batchKey()));
    List<Assignment> back = assign();

    // then: the background session gets the workers back, returned batches on their first attempt
    assertThat(countBySession(back)).containsOnlyKeys("background").containsEntry("background", 8);
    assertThat(back)
        .filteredOn(
            a -> heldByWorker.values().stream().anyMatch(k -> k.get(1).equals(a.batchKey())))
        .hasSize(4)
        .allSatisfy(a -> assertThat(a.attempt()).isEqualTo(1));
  }

  @Test
  void shouldLetANonPreemptibleSessionKeepItsWorkersWhileItHasWork() {
    // given
    state.addSession(SessionInfo.builder("steady", "echo").priority(1).maxInflight(1).build());
    List<String> steadyKeys = queue("steady", 4);
    workers(2, 1);
    List<Assignment> first = assign();

    // when: an urgent session arrives while "steady" still has work
    state.addSession(SessionInfo.builder("urgent", "echo").priority(10).maxInflight(1).build());
    queue("urgent", 4);
    assign();
    first.forEach(a -> finish(a.batchKey()));
    List<Assignment> next = assign();

    // then: no UNBIND; "steady" keeps its workers for its remaining batches
    assertThat(state.drainInstructions()).isEmpty();
    assertThat(countBySession(next)).containsOnlyKeys("steady");

    // when: "steady" runs out of work, the urgent session gets the workers
    next.forEach(a -> finish(a.batchKey()));
    assertThat(steadyKeys).allSatisfy(k -> assertThat(running).doesNotContainKey(k));
    assertThat(countBySession(assign())).containsOnlyKeys("urgent").containsEntry("urgent", 2);
  }

  @Test
  void shouldGuaranteeMinWorkersEvenAgainstAHigherPriority() {
    // given: a priority-9 session could use all 4 workers; a priority-1 one asks for at least 2
    state.addSession(SessionInfo.builder("big", "echo").priority(9).maxInflight(1).build());
    state.addSession(
        SessionInfo.builder("guaranteed", "echo").priority(1).maxInflight(1).workers(2, 0).build());
    queue("big", 20);
    queue("guaranteed", 20);
    workers(4, 1);

    // when / then
    assertThat(countBySession(assign())).containsEntry("big", 2).containsEntry("guaranteed", 2);
  }

  @Test
  void shouldDrainWorkersOfAHigherPrioritySessionToMeetMinWorkers() {
    // given: a non-preemptible priority-9 session holds all 4 workers
    state.addSession(SessionInfo.builder("big", "echo").priority(9).maxInflight(1).build());
    queue("big", 20);
    workers(4, 1);
    List<Assignment> first = assign();

    // when: a session guaranteed 2 workers arrives
    state.addSession(
        SessionInfo.builder("guaranteed", "echo").priority(1).maxInflight(1).workers(2, 0).build());
    queue("guaranteed", 20);
    assign();

    // then: two workers are drained (not preempted: nothing is handed back)
    List<Instruction> unbinds = state.drainInstructions();
    assertThat(unbinds).hasSize(2).allSatisfy(i -> assertThat(i.returnUnstarted()).isFalse());
    unbinds.forEach(
        i ->
            finish(
                first.stream()
                    .filter(a -> a.workerId().equals(i.workerId()))
                    .findFirst()
                    .orElseThrow()
                    .batchKey()));
    assertThat(countBySession(assign())).containsEntry("guaranteed", 2);
  }

  @Test
  void shouldNeverBindMoreThanMaxWorkers() {
    // given
    state.addSession(SessionInfo.builder("capped", "echo").maxInflight(5).workers(0, 2).build());
    queue("capped", 30);
    workers(4, 1);

    // when / then
    assertThat(byWorker(assign())).hasSize(2);
  }

  @Test
  void shouldShareWorkersEvenlyBetweenEqualPriorities() {
    // given: a session holds all 4 workers when a second one of the same priority arrives
    state.addSession(SessionInfo.builder("a", "echo").maxInflight(1).build());
    queue("a", 40);
    workers(4, 1);
    List<Assignment> first = assign();
    state.addSession(SessionInfo.builder("b", "echo").maxInflight(1).build());
    queue("b", 40);

    // when: before a quantum has passed nothing moves; after it, two workers are drained for b
    assign();
    assertThat(state.drainInstructions()).isEmpty();
    now.addAndGet(QUANTUM);
    assign();
    List<Instruction> unbinds = state.drainInstructions();
    first.forEach(a -> finish(a.batchKey()));
    Map<String, Integer> next = countBySession(assign());

    // then
    assertThat(unbinds).hasSize(2);
    assertThat(next).containsEntry("a", 2).containsEntry("b", 2);
  }

  @Test
  void shouldTimeSliceOneWorkerBetweenEqualPrioritiesSoNoneStarves() {
    // given
    state.addSession(SessionInfo.builder("a", "echo").maxInflight(1).build());
    state.addSession(SessionInfo.builder("b", "echo").maxInflight(1).build());
    queue("a", 10);
    queue("b", 10);
    workers(1, 1);
    List<String> served = new ArrayList<>();

    // when: the clock moves one quantum per batch
    for (int i = 0; i < 6; i++) {
      List<Assignment> made = assign();
      made.forEach(a -> served.add(a.sessionId()));
      now.addAndGet(QUANTUM);
      assign();
      made.forEach(a -> finish(a.batchKey()));
    }

    // then: both sessions are served, alternately
    assertThat(served).contains("a", "b");
    assertThat(served.stream().filter("b"::equals).count()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void shouldPackTwoCoreBatchesOnAFourCoreWorker() {
    // given
    state.addSession(SessionInfo.builder("s", "echo").taskResources(cores(2)).build());
    queue("s", 5);
    worker("w1", 4, new ResourceAmounts(4, 8192, 0, 0), Set.of());

    // when
    List<Assignment> made = assign();

    // then: two at a time; a third once one finishes
    assertThat(made).hasSize(2);
    finish(made.get(0).batchKey());
    assertThat(assign()).hasSize(1);
    assertThat(Fixtures.figures(state, null).committed.cores()).isEqualTo(4);
    assertThat(Fixtures.figures(state, null).total.cores()).isEqualTo(4);
  }

  @Test
  void shouldKeepAGpuBatchWaitingForAGpuWorkerAndReportItMeanwhile() {
    // given
    state.addSession(SessionInfo.builder("s", "echo").build());
    enqueue("s", new ResourceAmounts(1, 0, 0, 1), null, 7);
    String cpuOnly = enqueue("s", new ResourceAmounts(1, 0, 0, 0), null, 3);
    worker("cpu", 4, new ResourceAmounts(4, 0, 0, 0), Set.of());

    // when: only the CPU batch runs; the GPU one does not hold it back
    List<Assignment> made = assign();

    // then
    assertThat(made).extracting(Assignment::batchKey).containsExactly(cpuOnly);
    assertThat(Fixtures.figures(state, null).tasksFittingNoWorker).isEqualTo(7);

    // when: a GPU worker joins
    worker("gpu", 1, new ResourceAmounts(1, 0, 0, 1), Set.of());

    // then
    assertThat(assign()).singleElement().satisfies(a -> assertThat(a.workerId()).isEqualTo("gpu"));
    assertThat(Fixtures.figures(state, null).tasksFittingNoWorker).isZero();
  }

  @Test
  void shouldGiveABatchThatDeclaresNothingTheWholeWorker() {
    // given: session "whole" declares nothing; "small" needs 1 core
    state.addSession(SessionInfo.builder("whole", "echo").priority(9).build());
    state.addSession(
        SessionInfo.builder("small", "echo").priority(1).taskResources(cores(1)).build());
    queue("whole", 3);
    queue("small", 3);
    worker("w1", 4, new ResourceAmounts(4, 0, 0, 0), Set.of());

    // when
    List<Assignment> made = assign();

    // then: the worker is "whole"'s alone, pipelined; its committed resources are all of it
    assertThat(countBySession(made)).containsOnlyKeys("whole").containsEntry("whole", 3);
    assertThat(Fixtures.figures(state, null).committed.cores()).isEqualTo(4);
  }

  @Test
  void shouldTakeResourcesFromTheBatchCategory() {
    // given
    state.addSession(
        SessionInfo.builder("s", "echo")
            .categories(Map.of("big", cores(4), "small", cores(1)))
            .build());
    enqueue("s", null, "big", 1);
    enqueue("s", null, "big", 1);
    worker("w1", 4, new ResourceAmounts(4, 0, 0, 0), Set.of());

    // when / then: a "big" batch takes all 4 cores, so one at a time
    assertThat(assign()).hasSize(1);
  }

  @Test
  void shouldNotServeASessionFromABlockedHost() {
    // given
    state.addSession(SessionInfo.builder("s", "echo").blockedHosts("bad-host").build());
    queue("s", 2);
    state.addWorker(
        new WorkerDescriptor(
            "w-bad",
            UUID.randomUUID(),
            1,
            Set.of("echo"),
            Set.of(),
            cores(1),
            "bad-host,10.0.0.9",
            "jvm"));
    state.addWorker(
        new WorkerDescriptor(
            "w-good",
            UUID.randomUUID(),
            1,
            Set.of("echo"),
            Set.of(),
            cores(1),
            "good-host",
            "jvm"));

    // when / then
    assertThat(assign()).extracting(Assignment::workerId).containsOnly("w-good");
  }

  @Test
  void shouldUnbindAWorkerOnANewlyBlockedHostAfterItsBatchReturningTheUnstartedOnes() {
    // given: one worker holding 3 batches of the session (one running, two not started)
    state.addSession(SessionInfo.builder("s", "echo").maxInflight(3).build());
    List<String> keys = queue("s", 6);
    workers(1, 1);
    assertThat(assign()).hasSize(3);
    state.drainInstructions();

    // when: its host is blocked (UpdateSession, version 1)
    state.updateSession(
        SessionInfo.builder("s", "echo")
            .maxInflight(3)
            .blockedHosts("localhost")
            .version(1)
            .build());

    // then: UNBIND returning the unstarted batches; once back, nothing goes to that worker
    assertThat(state.drainInstructions())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.bind()).isFalse();
              assertThat(i.returnUnstarted()).isTrue();
            });
    finish(keys.get(0));
    state.returnedUnstarted(keys.get(1), running.remove(keys.get(1)));
    state.returnedUnstarted(keys.get(2), running.remove(keys.get(2)));
    assertThat(assign()).isEmpty();
    assertThat(state.sessions().get("s").queuedBatches()).isEqualTo(5);

    // and an older version arriving late changes nothing
    state.updateSession(SessionInfo.builder("s", "echo").maxInflight(3).version(0).build());
    assertThat(assign()).isEmpty();
  }

  @Test
  void shouldUnbindTheWorkersAboveALoweredMaxWorkers() {
    // given: a session on 4 workers
    state.addSession(SessionInfo.builder("s", "echo").maxInflight(1).build());
    queue("s", 30);
    workers(4, 1);
    Map<String, List<String>> first = byWorker(assign());
    assertThat(first).hasSize(4);
    state.drainInstructions();

    // when: capped at 2
    state.updateSession(
        SessionInfo.builder("s", "echo").maxInflight(1).workers(0, 2).version(1).build());

    // then: two workers get UNBIND, and as batches end only two ever take more
    assertThat(state.drainInstructions()).filteredOn(i -> !i.bind()).hasSize(2);
    first.values().forEach(held -> held.forEach(this::finish));
    assertThat(byWorker(assign())).hasSize(2);
  }

  @Test
  void shouldServeASessionFirstOnceItsPriorityIsRaised() {
    // given: one worker, two sessions with work
    state.addSession(SessionInfo.builder("low", "echo").priority(3).maxInflight(1).build());
    state.addSession(SessionInfo.builder("high", "echo").priority(6).maxInflight(1).build());
    queue("low", 3);
    queue("high", 3);

    // when
    state.updateSession(
        SessionInfo.builder("low", "echo").priority(9).maxInflight(1).version(1).build());
    workers(1, 1);

    // then
    assertThat(assign()).extracting(Assignment::sessionId).containsExactly("low");
  }

  @Test
  void shouldFastAbortSlowBatchesAndBlocklistAWorkerThatKeepsBeingSlow() {
    // given: multiplier 3 and 10 batches that took 1 ms each
    state.addSession(
        SessionInfo.builder("s", "echo").maxInflight(1).fastAbort(3).maxRetries(10).build());
    queue("s", 30);
    worker("slow", 1, cores(1), Set.of());
    for (int i = 0; i < FastAbort.MIN_SAMPLES; i++) {
      Assignment a = assign().get(0);
      assertThat(a.abortAfterNanos()).isZero();
      state.finished(a.batchKey(), a.workerId(), new SchedulerState.Outcome(1, 0, 0, 1_000_000));
    }

    // when: later batches carry an abort limit of 3 x the mean
    Assignment limited = assign().get(0);
    assertThat(limited.abortAfterNanos()).isEqualTo(3_000_000);

    // and the worker is too slow 3 times
    state.requeue(limited.batchKey(), "slow", SchedulerState.Loss.FAST_ABORTED, "fast abort");
    for (int i = 0; i < 2; i++) {
      Assignment again = assign().get(0);
      assertThat(again.batchKey())
          .isNotEqualTo(limited.batchKey()); // the aborted batch avoids this worker
      state.requeue(again.batchKey(), "slow", SchedulerState.Loss.FAST_ABORTED, "fast abort");
    }

    // then: it is blocklisted for the session; another worker gets the work, aborted batch included
    assertThat(assign()).isEmpty();
    worker("fast", 1, cores(1), Set.of());
    Assignment onFast = assign().get(0);
    assertThat(onFast.workerId()).isEqualTo("fast");
  }

  @Test
  void shouldTellAPolyglotWorkerBindAndUnbind() {
    // given
    state.addSession(SessionInfo.builder("s", "echo").build());
    String key = queue("s", 1).get(0);
    state.addWorker(
        new WorkerDescriptor(
            "g1",
            UUID.randomUUID(),
            1,
            Set.of("echo"),
            Set.of(),
            cores(1),
            "h",
            WorkerDescriptor.KIND_GRPC));

    // when
    assign();
    List<Instruction> bind = state.drainInstructions();
    finish(key);
    List<Instruction> unbind = state.drainInstructions();

    // then
    assertThat(bind).singleElement().satisfies(i -> assertThat(i.bind()).isTrue());
    assertThat(unbind).singleElement().satisfies(i -> assertThat(i.bind()).isFalse());
  }

  @Test
  void shouldFreeAWorkerBoundToASessionThatClosedBetweenItsBatches() {
    // given: a session bound to the only worker, between two of its batches
    state.addSession(SessionInfo.builder("closing", "echo").maxInflight(1).build());
    List<String> keys = queue("closing", 2);
    workers(1, 1);
    assign();
    finish(keys.get(0));

    // when: it closes before its next batch is placed, and another session has work
    state.removeSession("closing");
    state.addSession(SessionInfo.builder("next", "echo").build());
    queue("next", 1);

    // then: the worker is free for it
    assertThat(countBySession(assign())).containsEntry("next", 1);
  }

  // ---- helpers ----

  private static ResourceAmounts cores(int n) {
    return new ResourceAmounts(n, 0, 0, 0);
  }

  private List<String> queue(String sessionId, int count) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      keys.add(enqueue(sessionId, null, null, 1));
    }
    return keys;
  }

  private String enqueue(String sessionId, ResourceAmounts need, String category, int tasks) {
    String key = sessionId + "/" + (++sequence);
    state.enqueue(new QueuedBatchRef(key, sessionId, 0, sequence, tasks, need, category, -1));
    return key;
  }

  private void workers(int count, int slots) {
    for (int i = 1; i <= count; i++) {
      worker("w" + i, slots, cores(slots), Set.of());
    }
  }

  private void worker(String id, int slots, ResourceAmounts resources, Set<String> tags) {
    state.addWorker(
        new WorkerDescriptor(
            id, UUID.randomUUID(), slots, Set.of("echo"), tags, resources, "localhost", "jvm"));
  }

  private List<Assignment> assign() {
    List<Assignment> made = state.assign();
    made.forEach(a -> running.put(a.batchKey(), a.workerId()));
    return made;
  }

  private void finish(String key) {
    String worker = running.remove(key);
    state.finished(key, worker, Fixtures.ran(1, 0));
  }

  private static Map<String, Integer> countBySession(List<Assignment> made) {
    Map<String, Integer> counts = new HashMap<>();
    made.forEach(a -> counts.merge(a.sessionId(), 1, Integer::sum));
    return counts;
  }

  private static Map<String, List<String>> byWorker(List<Assignment> made) {
    Map<String, List<String>> keys = new HashMap<>();
    made.forEach(a -> keys.computeIfAbsent(a.workerId(), w -> new ArrayList<>()).add(a.batchKey()));
    return keys;
  }
}
