package dev.gridqueue.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gridqueue.grid.store.QueuedBatchRef;
import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.scheduler.internal.SessionQueue.NeedQueue;
import dev.gridqueue.scheduler.internal.SessionQueue.QueuedEntry;
import org.junit.jupiter.api.Test;

/** {@link SessionQueue}: one queue per need, batch priority then FIFO, counts in step. */
class SessionQueueTest {
  private final SessionQueue session =
      new SessionQueue(SessionInfo.builder("s", "echo").workers(0, 3).build());

  @Test
  void shouldRunBatchesByPriorityThenInArrivalOrder() {
    // given
    session.add(entry("s/1", 0, 1, null, null));
    session.add(entry("s/2", 5, 2, null, null));
    session.add(entry("s/3", 0, 3, null, null));
    NeedQueue q = session.queues().iterator().next();

    // when / then
    assertThat(session.takeToRun(q, 1).ref().key).isEqualTo("s/2");
    assertThat(session.takeToRun(q, 2).ref().key).isEqualTo("s/1");
    assertThat(session.takeToRun(q, 3).ref().key).isEqualTo("s/3");
    assertThat(session.lastTurn()).isEqualTo(3);
  }

  @Test
  void shouldKeepOneQueuePerNeedAndOneForBatchesAvoidingAWorker() {
    // when
    session.add(entry("s/1", 0, 1, null, null));
    session.add(entry("s/2", 0, 2, Fixtures.cores(1), null));
    session.add(entry("s/3", 0, 3, Fixtures.cores(1), null));
    session.add(entry("s/4", 0, 4, null, "w1"));

    // then
    assertThat(session.queues()).hasSize(3);
    assertThat(session.queuedBatches()).isEqualTo(4);
  }

  @Test
  void shouldMoveTasksFromWaitingToRunningAndOffWhenTheBatchComesBack() {
    // given
    session.add(entry("s/1", 0, 1, null, null));
    NeedQueue q = session.queues().iterator().next();

    // when
    session.takeToRun(q, 1);

    // then
    assertThat(session.tasksWaiting()).isZero();
    assertThat(session.tasksRunning()).isEqualTo(5);
    assertThat(q.tasks()).isZero();

    // when
    session.runEnded(5);

    // then
    assertThat(session.tasksRunning()).isZero();
  }

  @Test
  void shouldWantNoMoreWorkersThanItCanUseNorAboveMaxWorkers() {
    // given
    for (int i = 1; i <= 5; i++) {
      session.add(entry("s/" + i, 0, i, null, null));
    }

    // when
    session.bound();

    // then: 1 bound + 5 queued, capped at 3
    assertThat(session.demand()).isEqualTo(3);
    assertThat(session.hasWork()).isTrue();
  }

  @Test
  void shouldCountAWorkerDrainedForItTowardsItsTarget() {
    // given
    session.target(2);
    session.bound();

    // when
    session.expectWorker();

    // then
    assertThat(session.belowTarget()).isFalse();
  }

  private static QueuedEntry entry(
      String key, int priority, long sequence, ResourceAmounts need, String avoid) {
    QueuedBatchRef ref = new QueuedBatchRef(key, "s", priority, sequence, 5, need, null, -1);
    return new QueuedEntry(ref, need, 0, 0, avoid);
  }
}
