package dev.gridqueue.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gridqueue.grid.store.TaskCounters;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TaskTally}: what a job report and a give-up count, for the grid, the session, the worker.
 */
class TaskTallyTest {
  private final TaskTally tally = new TaskTally();
  private final SessionQueue session = new SessionQueue(SessionInfo.builder("s", "echo").build());
  private final WorkerLoad worker =
      new WorkerLoad(Fixtures.jvmWorker("w1", "echo", Fixtures.cores(1)));

  @Test
  void shouldCountFailedAndCancelledTasksAsDeadLettersAndTheRestAsDone() {
    // given: 10 tasks, 3 failed, 2 cancelled
    SchedulerState.Outcome outcome = new SchedulerState.Outcome(10, 3, 2, 0);

    // when
    tally.finished(session, worker, outcome);

    // then
    assertThat(tally.grid()).isEqualTo(new TaskCounters(5, 3, 5, 2));
    assertThat(TaskTally.of(session)).isEqualTo(new TaskCounters(5, 3, 5, 0));
    assertThat(List.of(worker.tasks.done(), worker.tasks.failed(), worker.tasks.deadLettered()))
        .containsExactly(5L, 3L, 0L);
  }

  @Test
  void shouldStillCountForTheGridWhenSessionAndWorkerAreGone() {
    // when
    tally.finished(null, null, Fixtures.ran(4, 1));

    // then
    assertThat(tally.grid()).isEqualTo(new TaskCounters(3, 1, 1, 0));
  }

  @Test
  void shouldCountEveryTaskOfABatchGivenUpOnAsADeadLetter() {
    // when
    tally.gaveUp(session, 7);
    tally.gaveUp(null, 2);

    // then
    assertThat(tally.grid()).isEqualTo(new TaskCounters(0, 0, 9, 0));
    assertThat(session.tasks.deadLettered()).isEqualTo(7);
  }

  @Test
  void shouldCarryOnFromACheckpoint() {
    // given
    tally.finished(session, worker, Fixtures.ran(2, 0));

    // when
    tally.restoreGrid(new TaskCounters(100, 10, 20, 5));
    TaskTally.restore(session, new TaskCounters(50, 5, 6, 1));

    // then
    assertThat(tally.grid()).isEqualTo(new TaskCounters(102, 10, 20, 5));
    assertThat(TaskTally.of(List.of(session))).containsEntry("s", new TaskCounters(52, 5, 6, 0));
  }
}
