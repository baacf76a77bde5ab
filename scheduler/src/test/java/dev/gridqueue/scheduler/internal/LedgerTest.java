package dev.gridqueue.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gridqueue.grid.store.QueuedBatchRef;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Ledger} and {@link Bindings}: the books stay balanced through every change. */
class LedgerTest {
  private final PolicyWorld world = new PolicyWorld();
  private final Ledger ledger = world.ledger;

  @Test
  void shouldMoveABatchFromQueuedToRunningAndBackWithItsTasks() {
    // given
    SessionQueue s = world.session("s");
    String key = world.queue("s", null, null, 4);
    WorkerLoad w = world.worker("w1", 1);

    // when
    Ledger.InFlight placed = ledger.place(w, s, s.queues().iterator().next());

    // then
    assertThat(placed.entry().attempts()).isEqualTo(1);
    assertThat(ledger.isQueued(key)).isFalse();
    assertThat(ledger.isRunning(key)).isTrue();
    assertThat(List.of(s.tasksWaiting(), s.tasksRunning())).containsExactly(0L, 4L);

    // when
    Ledger.InFlight back = ledger.takeBack(key, "w1");

    // then
    assertThat(back).isEqualTo(placed);
    assertThat(ledger.isRunning(key)).isFalse();
    assertThat(s.tasksRunning()).isZero();
    assertThat(w.heldCount()).isZero();
  }

  @Test
  void shouldIgnoreATakeBackFromAWorkerThatDoesNotRunTheBatch() {
    // given
    world.session("s");
    String key = world.queue("s", 1).get(0);
    world.worker("w1", 1);
    world.place();

    // when / then
    assertThat(ledger.takeBack(key, "w2")).isNull();
    assertThat(ledger.isRunning(key)).isTrue();
  }

  @Test
  void shouldBindAWorkerOnItsFirstBatchAndKeepTheBindingWhileTheSessionHasQueuedBatches() {
    // given: one batch in flight at a time
    SessionQueue s = world.session(SessionInfo.builder("s", "echo").maxInflight(1).build());
    List<String> keys = world.queue("s", 2);
    WorkerLoad w = world.worker("w1", 1);
    world.place();

    // when
    world.finish(keys.get(0));

    // then: still bound, the next batch waits for it
    assertThat(w.isBoundTo("s")).isTrue();
    assertThat(List.of(s.boundActive(), s.boundTotal())).containsExactly(1, 1);

    // when: the last one runs and ends
    world.place();
    world.finish(keys.get(1));

    // then
    assertThat(w.isBoundTo("s")).isFalse();
    assertThat(List.of(s.boundActive(), s.boundTotal())).containsExactly(0, 0);
  }

  @Test
  void shouldKeepBoundCountsEqualToTheBindingsThroughADrain() {
    // given: "a" on the worker with two batches; "b" waits for it
    SessionQueue a = world.session(SessionInfo.builder("a", "echo").maxInflight(2).build());
    SessionQueue b = world.session("b");
    List<String> keys = world.queue("a", 4);
    WorkerLoad w = world.worker("w1", 1);
    world.place();

    // when: drained for "b"
    ledger.bindings().drain(w, w.binding("a"), b, false);

    // then: still bound (max_workers counts it) but not active; "b" expects it
    assertThat(List.of(a.boundActive(), a.boundTotal(), b.incoming())).containsExactly(0, 1, 1);
    assertThat(w.activeSessions()).isEmpty();

    // when: both batches come back
    world.finish(keys.get(0));
    world.finish(keys.get(1));

    // then: the binding ended and "b" no longer waits
    assertThat(List.of(a.boundActive(), a.boundTotal(), b.incoming())).containsExactly(0, 0, 0);
    assertThat(w.bindings()).isEmpty();
  }

  @Test
  void shouldForgetAClosedSessionsBatchesFreeItsIdleWorkersAndDrainBusyOnes() {
    // given: "s" runs a batch on w1, w2 holds nothing of it, 3 batches wait
    world.session(SessionInfo.builder("s", "echo").maxInflight(1).build());
    List<String> keys = world.queue("s", 4);
    WorkerLoad busy = world.worker("w1", 1);
    WorkerLoad idle = world.worker("w2", 1);
    world.place();
    world.finish(
        world.running.entrySet().stream()
            .filter(e -> e.getValue().equals("w2"))
            .findFirst()
            .orElseThrow()
            .getKey());

    // when
    ledger.removeSession("s");

    // then
    assertThat(ledger.queuedCount()).isZero();
    assertThat(idle.bindings()).isEmpty();
    assertThat(busy.binding("s").draining()).isTrue();
    assertThat(keys).anySatisfy(k -> assertThat(ledger.isRunning(k)).isTrue());
  }

  @Test
  void shouldNoLongerAwaitAWorkerDrainedForASessionThatClosed() {
    // given: w1 drains from "a" for "b"
    world.session("a");
    SessionQueue b = world.session("b");
    world.queue("a", 1);
    WorkerLoad w = world.worker("w1", 1);
    world.place();
    ledger.bindings().drain(w, w.binding("a"), b, true);

    // when
    ledger.removeSession("b");

    // then
    assertThat(w.binding("a").beneficiary()).isNull();
  }

  @Test
  void shouldDropABatchQueuedAgainForASessionThatClosed() {
    // given
    world.session("s");
    String key = world.queue("s", 1).get(0);
    world.worker("w1", 1);
    Ledger.InFlight placed =
        ledger.place(
            ledger.worker("w1"),
            ledger.session("s"),
            ledger.session("s").queues().iterator().next());
    ledger.removeSession("s");

    // when
    ledger.takeBack(key, "w1");
    ledger.requeue(placed.entry());

    // then
    assertThat(ledger.queuedCount()).isZero();
  }

  @Test
  void shouldRefuseABatchOfAnUnknownSession() {
    assertThatThrownBy(() -> ledger.enqueue(new QueuedBatchRef("x/1", "x", 0, 1, 1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("unknown session x");
  }

  @Test
  void shouldEndIdleBindingsOnASweepAndTellPolyglotWorkers() {
    // given: a polyglot worker bound to "s", which then has nothing queued nor running
    SessionQueue s = world.session("s");
    String key = world.queue("s", 1).get(0);
    WorkerLoad w = world.worker(Fixtures.grpcWorker("g1", "echo", Fixtures.cores(1)));
    world.place();
    world.instructions.drain();

    // when: the batch ends (the binding ends with it), and a sweep finds nothing more to end
    world.finish(key);
    ledger.bindings().sweepIdle();

    // then: exactly one UNBIND
    assertThat(world.instructions.drain())
        .singleElement()
        .satisfies(i -> assertThat(i.bind()).isFalse());
    assertThat(w.bindings()).isEmpty();
    assertThat(s.boundTotal()).isZero();
  }

  @Test
  void shouldTellAPolyglotWorkerStillRunningAClosedSessionsBatchToUnbind() {
    // given: the client had its results and closed the session before the worker's report came
    world.session("s");
    String key = world.queue("s", 1).get(0);
    WorkerLoad w = world.worker(Fixtures.grpcWorker("g1", "echo", Fixtures.cores(1)));
    world.place();
    world.instructions.drain();

    // when
    ledger.removeSession("s");
    world.finish(key);

    // then: one UNBIND (else the worker keeps the session in its list for ever)
    assertThat(world.instructions.drain())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.bind()).isFalse();
              assertThat(i.sessionId()).isEqualTo("s");
            });
    assertThat(w.bindings()).isEmpty();
  }

  @Test
  void shouldExamineOnlyWorkersWithRoomWhenWorkArrives() {
    // given: w1 full (a whole-worker session at its in-flight limit), w2 empty
    world.session(SessionInfo.builder("s", "echo").maxInflight(1).build());
    world.queue("s", 1);
    WorkerLoad full = world.worker("w1", 1);
    world.place();
    WorkerLoad empty = world.worker("w2", 1);
    List<WorkerLoad> round = new ArrayList<>();
    world.agenda.takeStale(round);

    // when
    world.queue("s", 1);

    // then
    round.clear();
    world.agenda.takeStale(round);
    assertThat(round).containsExactly(empty).doesNotContain(full);
  }

  @Test
  void shouldEndTheBindingsOfAWorkerThatLeftWithoutTellingIt() {
    // given
    world.session("s");
    world.queue("s", 1);
    WorkerLoad w = world.worker("w1", 1);
    world.place();

    // when
    ledger.removeWorker(w);

    // then
    assertThat(ledger.worker("w1")).isNull();
    assertThat(ledger.session("s").boundTotal()).isZero();
    assertThat(world.instructions.drain()).isEmpty();
  }
}
