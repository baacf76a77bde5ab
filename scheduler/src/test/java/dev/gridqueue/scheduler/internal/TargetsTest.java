package dev.gridqueue.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gridqueue.grid.store.QueuedBatchRef;
import dev.gridqueue.scheduler.internal.SessionQueue.QueuedEntry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Targets}: min workers first, then priorities, equal shares, caps; nothing is placed. */
class TargetsTest {
  private final List<SessionQueue> sessions = new ArrayList<>();
  private final List<WorkerLoad> workers = new ArrayList<>();
  private long sequence;

  @Test
  void shouldLetALoneSessionWithWorkHaveEveryWorkerAndGiveTheIdleOnesNone() {
    // given
    SessionQueue busy = session(SessionInfo.builder("busy", "echo").build(), 3);
    SessionQueue idle = session(SessionInfo.builder("idle", "echo").build(), 0);
    workers(4);

    // when
    boolean contended = Targets.compute(sessions, workers);

    // then
    assertThat(contended).isFalse();
    assertThat(busy.target()).isEqualTo(Integer.MAX_VALUE);
    assertThat(idle.target()).isZero();
  }

  @Test
  void shouldGiveHigherPrioritiesTheWorkersFirst() {
    // given: 5 workers; the urgent session can use 3
    SessionQueue urgent = session(SessionInfo.builder("urgent", "echo").priority(9).build(), 3);
    SessionQueue low = session(SessionInfo.builder("low", "echo").priority(1).build(), 10);
    workers(5);

    // when
    boolean contended = Targets.compute(sessions, workers);

    // then
    assertThat(contended).isTrue();
    assertThat(urgent.target()).isEqualTo(3);
    assertThat(low.target()).isEqualTo(2);
  }

  @Test
  void shouldMeetMinWorkersBeforeAnyPriority() {
    // given
    SessionQueue big = session(SessionInfo.builder("big", "echo").priority(9).build(), 20);
    SessionQueue guaranteed =
        session(SessionInfo.builder("guaranteed", "echo").priority(1).workers(2, 0).build(), 20);
    workers(4);

    // when
    Targets.compute(sessions, workers);

    // then
    assertThat(guaranteed.target()).isEqualTo(2);
    assertThat(big.target()).isEqualTo(2);
  }

  @Test
  void shouldGiveMinWorkersToHigherPrioritiesFirstWhenThereAreTooFew() {
    // given: both want 3 at least, 4 workers
    SessionQueue high =
        session(SessionInfo.builder("high", "echo").priority(5).workers(3, 0).build(), 10);
    SessionQueue low =
        session(SessionInfo.builder("low", "echo").priority(1).workers(3, 0).build(), 10);
    workers(4);

    // when
    Targets.compute(sessions, workers);

    // then
    assertThat(high.target()).isEqualTo(3);
    assertThat(low.target()).isEqualTo(1);
  }

  @Test
  void shouldShareWorkersEvenlyBetweenEqualPriorities() {
    // given: 7 workers, three sessions of one priority with plenty of work
    SessionQueue a = session(SessionInfo.builder("a", "echo").build(), 10);
    SessionQueue b = session(SessionInfo.builder("b", "echo").build(), 10);
    SessionQueue c = session(SessionInfo.builder("c", "echo").build(), 10);
    workers(7);

    // when
    Targets.compute(sessions, workers);

    // then: 3/2/2, the odd one to the first in order
    assertThat(List.of(a.target(), b.target(), c.target())).containsExactly(3, 2, 2);
  }

  @Test
  void shouldPassWhatASessionCannotUseToTheOthersOfItsLevel() {
    // given: "few" has 1 batch, "many" has 10, 6 workers
    SessionQueue few = session(SessionInfo.builder("few", "echo").build(), 1);
    SessionQueue many = session(SessionInfo.builder("many", "echo").build(), 10);
    workers(6);

    // when
    Targets.compute(sessions, workers);

    // then
    assertThat(few.target()).isEqualTo(1);
    assertThat(many.target()).isEqualTo(5);
  }

  @Test
  void shouldNeverTargetMoreThanMaxWorkersOrTheEligibleWorkers() {
    // given: "capped" may use 2 workers; "tagged" finds 1 worker with its tag
    SessionQueue capped =
        session(SessionInfo.builder("capped", "echo").priority(9).workers(0, 2).build(), 10);
    SessionQueue tagged =
        session(SessionInfo.builder("tagged", "echo").priority(9).tags("gpu").build(), 10);
    SessionQueue rest = session(SessionInfo.builder("rest", "echo").priority(1).build(), 10);
    workers(5);
    workers.add(new WorkerLoad(Fixtures.jvmWorker("gpu", "echo", Fixtures.cores(1), "gpu")));

    // when
    Targets.compute(sessions, workers);

    // then
    assertThat(capped.target()).isEqualTo(2);
    assertThat(tagged.target()).isEqualTo(1);
    assertThat(rest.target()).isEqualTo(3);
  }

  private SessionQueue session(SessionInfo info, int queuedBatches) {
    SessionQueue s = new SessionQueue(info);
    for (int i = 0; i < queuedBatches; i++) {
      ++sequence;
      s.add(
          new QueuedEntry(
              new QueuedBatchRef(
                  info.sessionId() + "/" + sequence, info.sessionId(), 0, sequence, 1),
              null,
              0,
              0,
              null));
    }
    sessions.add(s);
    return s;
  }

  private void workers(int count) {
    for (int i = 0; i < count; i++) {
      workers.add(
          new WorkerLoad(Fixtures.jvmWorker("w" + workers.size(), "echo", Fixtures.cores(1))));
    }
  }
}
