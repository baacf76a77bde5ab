package dev.gridqueue.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Preemption}: who may take a worker from whom, and when; driven with a fake clock. */
class PreemptionTest {
  private static final long QUANTUM = 1_000_000_000L;
  private final PolicyWorld world = new PolicyWorld();
  private final Preemption preemption = new Preemption(world.ledger, world.now::get, QUANTUM);

  @Test
  void shouldTakeAWorkerFromAPreemptibleLowerPriorityAndAskForItsUnstartedBatches() {
    // given: a preemptible background session holds both workers
    world.session(
        SessionInfo.builder("background", "echo").priority(1).maxInflight(2).preemptible().build());
    world.queue("background", 10);
    world.worker("w1", 1);
    world.worker("w2", 1);
    world.place();
    world.instructions.drain();

    // when: an urgent session with work for one worker arrives
    SessionQueue urgent = world.session(SessionInfo.builder("urgent", "echo").priority(9).build());
    world.queue("urgent", 1);
    world.targets();
    preemption.rebalance();

    // then: one UNBIND, unstarted batches back; the worker is on its way to "urgent"
    assertThat(world.instructions.drain())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.bind()).isFalse();
              assertThat(i.sessionId()).isEqualTo("background");
              assertThat(i.returnUnstarted()).isTrue();
            });
    assertThat(urgent.incoming()).isEqualTo(1);
    assertThat(world.ledger.session("background").boundActive()).isEqualTo(1);
  }

  @Test
  void shouldLeaveANonPreemptibleLowerPriorityItsWorkers() {
    // given
    world.session(SessionInfo.builder("steady", "echo").priority(1).build());
    world.queue("steady", 10);
    world.worker("w1", 1);
    world.place();
    world.instructions.drain();

    // when
    world.session(SessionInfo.builder("urgent", "echo").priority(9).build());
    world.queue("urgent", 1);
    world.targets();
    preemption.rebalance();

    // then
    assertThat(world.instructions.drain()).isEmpty();
  }

  @Test
  void shouldTakeFromAnEqualPriorityOnlyOnceTheBindingHasLastedAQuantum() {
    // given: "a" holds the only worker when "b", of the same priority, arrives
    world.session("a");
    world.queue("a", 10);
    world.worker("w1", 1);
    world.place();
    world.session("b");
    world.queue("b", 10);
    world.targets();

    // when: just short of a quantum
    world.now.addAndGet(QUANTUM - 1);
    preemption.rebalance();

    // then: nothing moves
    assertThat(world.instructions.drain()).isEmpty();

    // when: a quantum has passed
    world.now.addAndGet(1);
    preemption.rebalance();

    // then: drained for "b", nothing handed back ("a" is not preemptible)
    List<Instruction> unbinds = world.instructions.drain();
    assertThat(unbinds)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.sessionId()).isEqualTo("a");
              assertThat(i.returnUnstarted()).isFalse();
            });
  }

  @Test
  void shouldTakeFromAHigherPriorityOnlyToMeetMinWorkersAndNeverBelowItsOwnMinimum() {
    // given: "big" (priority 9, at least 2 workers) holds all 3 workers; "small" (priority 1)
    // asks for at least 2. Targets set by hand to leave only this rule in play.
    SessionQueue big =
        world.session(
            SessionInfo.builder("big", "echo").priority(9).maxInflight(1).workers(2, 0).build());
    world.queue("big", 20);
    world.worker("w1", 1);
    world.worker("w2", 1);
    world.worker("w3", 1);
    world.place();
    SessionQueue small =
        world.session(
            SessionInfo.builder("small", "echo").priority(1).maxInflight(1).workers(2, 0).build());
    world.queue("small", 20);
    big.target(1);
    small.target(2);

    // when
    preemption.rebalance();

    // then: one worker only, so that "big" keeps its own 2
    assertThat(world.instructions.drain())
        .singleElement()
        .satisfies(i -> assertThat(i.sessionId()).isEqualTo("big"));
    assertThat(small.incoming()).isEqualTo(1);
    assertThat(big.boundActive()).isEqualTo(2);
  }

  @Test
  void shouldNotTakeFromAHigherPriorityForAClaimantThatHasNoMinimumToMeet() {
    // given: as above, but "small" asks for no minimum
    SessionQueue big =
        world.session(SessionInfo.builder("big", "echo").priority(9).maxInflight(1).build());
    world.queue("big", 20);
    world.worker("w1", 1);
    world.worker("w2", 1);
    world.place();
    SessionQueue small =
        world.session(SessionInfo.builder("small", "echo").priority(1).maxInflight(1).build());
    world.queue("small", 20);
    big.target(1);
    small.target(1);

    // when
    preemption.rebalance();

    // then
    assertThat(world.instructions.drain()).isEmpty();
  }

  @Test
  void shouldTakeFromTheLowestPriorityFirst() {
    // given: two preemptible sessions of priorities 2 and 1, one worker each, both above target
    SessionQueue p2 =
        world.session(
            SessionInfo.builder("p2", "echo").priority(2).maxInflight(1).preemptible().build());
    SessionQueue p1 =
        world.session(
            SessionInfo.builder("p1", "echo").priority(1).maxInflight(1).preemptible().build());
    world.queue("p2", 1);
    world.queue("p1", 1);
    world.worker("w1", 1);
    world.worker("w2", 1);
    world.place();
    world.queue("p2", 5);
    world.queue("p1", 5);
    SessionQueue urgent = world.session(SessionInfo.builder("urgent", "echo").priority(9).build());
    world.queue("urgent", 1);
    p2.target(0);
    p1.target(0);
    urgent.target(1);

    // when
    preemption.rebalance();

    // then
    assertThat(world.instructions.drain())
        .singleElement()
        .satisfies(i -> assertThat(i.sessionId()).isEqualTo("p1"));
  }

  @Test
  void shouldNotTakeAWorkerThatCouldNeverFitTheClaimantsBatches() {
    // given: a preemptible session on a 1-core worker; the urgent batch needs 4 cores
    world.session(SessionInfo.builder("background", "echo").priority(1).preemptible().build());
    world.queue("background", 5);
    world.worker("w1", 1);
    world.place();

    // when
    world.session(SessionInfo.builder("urgent", "echo").priority(9).build());
    world.queue("urgent", Fixtures.cores(4), null, 1);
    world.targets();
    preemption.rebalance();

    // then
    assertThat(world.instructions.drain()).isEmpty();
  }

  @Test
  void shouldFreeTheWorkerForTheClaimantWhenTheLastRunningBatchReturns() {
    // given: the urgent session waits for the background session's worker
    world.session(
        SessionInfo.builder("background", "echo").priority(1).maxInflight(1).preemptible().build());
    String runningKey = world.queue("background", 3).get(0);
    world.worker("w1", 1);
    world.place();
    SessionQueue urgent = world.session(SessionInfo.builder("urgent", "echo").priority(9).build());
    world.queue("urgent", 1);
    world.targets();
    preemption.rebalance();

    // when
    world.finish(runningKey);

    // then: no longer incoming; the worker takes the urgent batch
    assertThat(urgent.incoming()).isZero();
    assertThat(world.place())
        .singleElement()
        .satisfies(a -> assertThat(a.sessionId()).isEqualTo("urgent"));
  }
}
