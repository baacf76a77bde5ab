package dev.gridqueue.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gridqueue.scheduler.internal.WorkerLoad.Binding;
import org.junit.jupiter.api.Test;

/** {@link Instructions}: which binding changes a worker hears of, and what the message says. */
class InstructionsTest {
  private final Instructions instructions = new Instructions();
  private final SessionQueue session = new SessionQueue(SessionInfo.builder("s", "app").build());
  private final WorkerLoad polyglot =
      new WorkerLoad(Fixtures.grpcWorker("g1", "app", Fixtures.cores(1)));
  private final WorkerLoad jvm = new WorkerLoad(Fixtures.jvmWorker("j1", "app", Fixtures.cores(1)));

  @Test
  void shouldTellOnlyAPolyglotWorkerThatItIsBound() {
    // when
    instructions.bound(polyglot, polyglot.bind("s", 42, 0), session);
    instructions.bound(jvm, jvm.bind("s", 43, 0), session);

    // then
    assertThat(instructions.drain())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.bind()).isTrue();
              assertThat(i.workerId()).isEqualTo("g1");
              assertThat(i.sessionId()).isEqualTo("s");
              assertThat(i.appId()).isEqualTo("app");
              assertThat(i.generation()).isEqualTo(42);
              assertThat(i.nodeId()).isEqualTo(polyglot.descriptor.nodeId());
            });
  }

  @Test
  void shouldTellAPolyglotWorkerOfAnEndedBindingUnlessItLeftOrHeardTheDrain() {
    // given
    Binding ending = polyglot.bind("s", 1, 0);
    Binding drained = new Binding("t", 2, 0);
    drained.drain(null);

    // when
    instructions.ended(polyglot, ending, session, true);
    instructions.ended(polyglot, ending, session, false);
    instructions.ended(polyglot, drained, null, true);
    instructions.ended(jvm, jvm.bind("s", 3, 0), session, true);

    // then
    assertThat(instructions.drain())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.bind()).isFalse();
              assertThat(i.generation()).isEqualTo(1);
              assertThat(i.returnUnstarted()).isFalse();
            });
  }

  @Test
  void shouldTellEveryWorkerOfADrainAndWhetherToHandBatchesBack() {
    // when
    instructions.draining(jvm, jvm.bind("s", 7, 0), session, true);
    instructions.draining(polyglot, polyglot.bind("s", 8, 0), session, false);

    // then
    assertThat(instructions.drain())
        .extracting(Instruction::workerId, Instruction::bind, Instruction::returnUnstarted)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("j1", false, true),
            org.assertj.core.groups.Tuple.tuple("g1", false, false));
  }

  @Test
  void shouldNameNoAppForASessionThatClosed() {
    // when
    instructions.draining(jvm, jvm.bind("gone", 9, 0), null, true);

    // then
    assertThat(instructions.drain())
        .singleElement()
        .satisfies(i -> assertThat(i.appId()).isEmpty());
  }

  @Test
  void shouldHandOutEachInstructionOnce() {
    // given
    instructions.bound(polyglot, polyglot.bind("s", 1, 0), session);

    // when
    instructions.drain();

    // then
    assertThat(instructions.drain()).isEmpty();
  }
}
