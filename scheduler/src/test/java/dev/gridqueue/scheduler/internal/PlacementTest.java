package dev.gridqueue.scheduler.internal;

import static dev.gridqueue.scheduler.internal.Fixtures.cores;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.grid.work.WorkerDescriptor;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@link Placement}: eligibility, fit and packing, the whole-worker rule, limits, and order. */
class PlacementTest {
  private final PolicyWorld world = new PolicyWorld();

  @Test
  void shouldServeASessionOnlyFromAWorkerRunningItsAppWithAllItsTagsOnAnAllowedHost() {
    // given
    SessionQueue s =
        world.session(SessionInfo.builder("s", "echo").tags("gpu").blockedHosts("bad").build());
    WorkerLoad fits = world.worker(worker("fits", "echo", Set.of("gpu", "eu"), "good"));
    WorkerLoad otherApp = world.worker(worker("other-app", "pi", Set.of("gpu"), "good"));
    WorkerLoad untagged = world.worker(worker("untagged", "echo", Set.of(), "good"));
    WorkerLoad blocked = world.worker(worker("blocked", "echo", Set.of("gpu"), "bad"));

    // when / then
    assertThat(Placement.canServe(fits, s)).isTrue();
    assertThat(Placement.canServe(otherApp, s)).isFalse();
    assertThat(Placement.canServe(untagged, s)).isFalse();
    assertThat(Placement.canServe(blocked, s)).isFalse();
  }

  @Test
  void shouldNotServeASessionFromAWorkerFastAbortBlocklistedForIt() {
    // given
    SessionQueue s = world.session("s");
    WorkerLoad w = world.worker("w1", 1);

    // when
    for (int i = 0; i < FastAbort.STRIKES; i++) {
      FastAbort.strike(s, "w1");
    }

    // then
    assertThat(Placement.canServe(w, s)).isFalse();
  }

  @Test
  void shouldPackDeclaredBatchesWhileTheirNeedsFit() {
    // given: 2-core batches of two sessions, a 5-core worker
    world.session(SessionInfo.builder("a", "echo").taskResources(cores(2)).build());
    world.session(SessionInfo.builder("b", "echo").taskResources(cores(2)).build());
    world.queue("a", 3);
    world.queue("b", 3);
    WorkerLoad w = world.worker("w1", 5);

    // when
    List<Assignment> made = world.place();

    // then: two fit (4 of 5 cores); with a core left the worker is not saturated
    assertThat(made).hasSize(2);
    assertThat(w.committed().cores()).isEqualTo(4);
    assertThat(Placement.saturated(w, world.ledger.sessions())).isFalse();
  }

  @Test
  void shouldGiveABatchThatDeclaresNothingTheWholeWorkerAndPipelineItsSession() {
    // given
    world.session(SessionInfo.builder("whole", "echo").maxInflight(3).build());
    world.session(SessionInfo.builder("small", "echo").taskResources(cores(1)).build());
    world.queue("whole", 5);
    world.queue("small", 2);
    WorkerLoad w = world.worker("w1", 4);

    // when
    List<Assignment> made = world.place();

    // then: three of "whole" (its in-flight limit), none of "small", and nothing else may join
    assertThat(PolicyWorld.countBySession(made))
        .containsOnlyKeys("whole")
        .containsEntry("whole", 3);
    assertThat(w.wholeWorkerSession()).isEqualTo("whole");
    assertThat(w.committedForStats()).isEqualTo(w.descriptor.resources());
    assertThat(Placement.saturated(w, world.ledger.sessions())).isTrue();
  }

  @Test
  void shouldNotPlaceAWholeWorkerBatchOnAWorkerBoundToAnotherSession() {
    // given: "small" runs a 1-core batch on the only worker
    SessionQueue whole = world.session("whole");
    world.session(SessionInfo.builder("small", "echo").taskResources(cores(1)).build());
    world.queue("small", 1);
    WorkerLoad w = world.worker("w1", 4);
    world.place();

    // when
    world.queue("whole", 1);
    List<Assignment> made = world.place();

    // then
    assertThat(made).isEmpty();
    assertThat(Placement.fitsNow(w, whole, null)).isFalse();
  }

  @Test
  void shouldHoldAtMostMaxInflightBatchesOfASessionPerWorker() {
    // given
    world.session(SessionInfo.builder("s", "echo").maxInflight(2).taskResources(cores(1)).build());
    world.queue("s", 10);
    world.worker("w1", 8);

    // when / then
    assertThat(world.place()).hasSize(2);
  }

  @Test
  void shouldBindASessionToAtMostMaxWorkers() {
    // given
    world.session(SessionInfo.builder("s", "echo").maxInflight(1).workers(0, 2).build());
    world.queue("s", 10);
    world.worker("w1", 1);
    world.worker("w2", 1);
    world.worker("w3", 1);

    // when
    List<Assignment> made = world.place();

    // then
    assertThat(made).extracting(Assignment::workerId).doesNotHaveDuplicates().hasSize(2);
  }

  @Test
  void shouldServeASessionBelowTargetBeforeAHigherPriorityAndEqualsByTurn() {
    // given
    SessionQueue high = world.session(SessionInfo.builder("high", "echo").priority(9).build());
    SessionQueue low = world.session(SessionInfo.builder("low", "echo").priority(1).build());
    SessionQueue lowToo = world.session(SessionInfo.builder("low-too", "echo").priority(1).build());

    // when: all at target (nothing bound, targets 0)
    high.target(0);
    low.target(0);
    lowToo.target(0);

    // then: priority decides
    assertThat(Placement.before(high, low)).isTrue();

    // when: the low session is below its target
    low.target(1);

    // then: it goes first
    assertThat(Placement.before(low, high)).isTrue();

    // when: equal priority, equal standing, "low" served more recently
    low.target(0);
    world.queue("low", 1);
    world.worker("w1", 1);
    world.place();

    // then: the one served least recently goes first
    assertThat(Placement.before(lowToo, low)).isTrue();
  }

  @Test
  void shouldKeepAFastAbortedBatchOffTheWorkerItAvoidsWithoutHoldingBackOthers() {
    // given: a batch that must avoid w1 and an ordinary one behind it
    SessionQueue s = world.session(SessionInfo.builder("s", "echo").maxInflight(5).build());
    String avoiding = world.queue("s", 1).get(0);
    world.worker("w1", 1);
    world.place();
    world.ledger.takeBack(avoiding, "w1");
    world.ledger.requeue(
        new SessionQueue.QueuedEntry(
            Fixtures.batch(avoiding, "s", 1, 1, null, null), null, 1, 0, "w1"));
    String other = world.queue("s", 1).get(0);

    // when
    List<Assignment> made = world.place();

    // then
    assertThat(made).extracting(Assignment::batchKey).containsExactly(other);
    assertThat(s.queuedBatches()).isEqualTo(1);
  }

  @Test
  void shouldCallAWorkerSaturatedOnlyWhenItsCoresAndGpusAreAllCommitted() {
    // given: 1-core batches on a 2-core worker
    world.session(SessionInfo.builder("s", "echo").taskResources(cores(1)).build());
    world.queue("s", 1);
    WorkerLoad w = world.worker("w1", 2);

    // when / then
    world.place();
    assertThat(Placement.saturated(w, world.ledger.sessions())).isFalse();
    world.queue("s", 1);
    world.place();
    assertThat(Placement.saturated(w, world.ledger.sessions())).isTrue();
  }

  @Test
  void shouldSeeThatAWorkerTooSmallForEveryQueuedBatchCouldNeverServeIt() {
    // given
    SessionQueue s = world.session("s");
    world.queue("s", new ResourceAmounts(8, 0, 0, 0), null, 1);
    WorkerLoad small = world.worker("small", 4);
    WorkerLoad big = world.worker("big", 8);

    // when / then
    assertThat(Placement.couldEverFit(small, s)).isFalse();
    assertThat(Placement.couldEverFit(big, s)).isTrue();
  }

  private static WorkerDescriptor worker(String id, String app, Set<String> tags, String host) {
    return new WorkerDescriptor(
        id, UUID.randomUUID(), 1, Set.of(app), tags, cores(1), host, WorkerDescriptor.KIND_JVM);
  }
}
