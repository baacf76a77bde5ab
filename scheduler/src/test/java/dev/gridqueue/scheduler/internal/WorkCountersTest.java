package dev.gridqueue.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gridqueue.grid.store.GridCounter;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.grid.store.TaskCounters;
import dev.gridqueue.scheduler.CapacityFigures;
import dev.gridqueue.scheduler.GridFigures;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Work Queue's cumulative fields as the scheduler counts them: submitted once, dispatched every
 * attempt, retried after a loss, workers joined/removed/lost, bytes and times from job reports, not
 * counted twice by a scheduler taking over; and the capacity estimate.
 */
class WorkCountersTest {
  private long now;
  private final SchedulerState state = new SchedulerState(() -> now, 1_000_000_000L);

  @Test
  void shouldCountSubmittedOnceDispatchedPerAttemptAndRetriedAfterALostWorker() {
    // given: a session of 2 batches of 10 tasks, two workers on two nodes
    state.addSession(Fixtures.session("s", "echo", 5, 1));
    UUID lostNode = UUID.randomUUID();
    state.addWorker(worker("w1", lostNode));
    state.addWorker(worker("w2", UUID.randomUUID()));
    state.enqueue(batch("s/1", 10));
    state.enqueue(batch("s/2", 10));
    state.enqueue(batch("s/1", 10)); // a re-scan reporting it again
    List<Assignment> first = state.assign();
    assertThat(first).hasSize(2);

    // when: w1's node fails holding its batch, which runs again on w2
    Assignment onW1 = first.stream().filter(a -> a.workerId().equals("w1")).findFirst().get();
    Assignment onW2 = first.stream().filter(a -> a.workerId().equals("w2")).findFirst().get();
    state.removeWorkersOn(lostNode, true);
    state.finished(
        onW2.batchKey(), "w2", new SchedulerState.Outcome(10, 0, 0, 5_000, 100, 7, 40, 3));
    Assignment again = state.assign().get(0);
    state.finished(
        again.batchKey(), "w2", new SchedulerState.Outcome(10, 1, 0, 6_000, 100, 7, 40, 3));

    // then
    TaskCounters grid = state.gridCounters();
    assertThat(again.batchKey()).isEqualTo(onW1.batchKey());
    assertThat(grid.get(GridCounter.TASKS_SUBMITTED)).isEqualTo(20);
    assertThat(grid.get(GridCounter.TASKS_DISPATCHED)).isEqualTo(30);
    assertThat(grid.get(GridCounter.TASKS_RETRIED)).isEqualTo(10);
    assertThat(grid.get(GridCounter.WORKERS_JOINED)).isEqualTo(2);
    assertThat(grid.get(GridCounter.WORKERS_REMOVED)).isEqualTo(1);
    assertThat(grid.get(GridCounter.WORKERS_LOST)).isEqualTo(1);
    assertThat(grid.get(GridCounter.BYTES_SENT)).isEqualTo(200);
    assertThat(grid.get(GridCounter.BYTES_RECEIVED)).isEqualTo(80);
    assertThat(grid.get(GridCounter.TIME_SEND_NANOS)).isEqualTo(14);
    assertThat(grid.get(GridCounter.TIME_RECEIVE_NANOS)).isEqualTo(6);
    assertThat(grid.get(GridCounter.TIME_WORKERS_EXECUTE_NANOS)).isEqualTo(11_000);
    assertThat(grid.done()).isEqualTo(19);
    GridFigures figures = Fixtures.figures(state, null);
    assertThat(figures.sessions.get(0).counters.get(GridCounter.TASKS_RETRIED)).isEqualTo(10);
    assertThat(figures.workers.get(0).counters.get(GridCounter.TASKS_DISPATCHED)).isEqualTo(20);
  }

  @Test
  void shouldNotCountAgainWhatTheSchedulerBeforeItCounted() {
    // given: a checkpoint taken at t=2000 ms counting 10 submitted tasks and one worker joined
    long[] counts = new long[GridCounter.COUNT];
    counts[GridCounter.TASKS_SUBMITTED.ordinal()] = 10;
    counts[GridCounter.WORKERS_JOINED.ordinal()] = 1;
    state.restoreGridCounters(new TaskCounters(0, 0, 0, 0, counts, 2_000));
    state.addSession(Fixtures.session("s", "echo", 5, 1));

    // when: the new scheduler finds the batch accepted at t=1000 (counted) and the worker (there
    // before it), then a batch accepted at t=3000 arrives and a worker joins
    state.enqueue(Fixtures.batch("s/old", "s", StoredBatch.sequence(1_000, 0), 10, null, null));
    state.addWorker(worker("w1", UUID.randomUUID()), false);
    state.enqueue(Fixtures.batch("s/new", "s", StoredBatch.sequence(3_000, 0), 5, null, null));
    state.addWorker(worker("w2", UUID.randomUUID()));

    // then
    assertThat(state.gridCounters().get(GridCounter.TASKS_SUBMITTED)).isEqualTo(15);
    assertThat(state.gridCounters().get(GridCounter.WORKERS_JOINED)).isEqualTo(2);
  }

  @Test
  void shouldEstimateCapacityAsWorkQueueDoes() {
    // given: no report yet -> Work Queue's defaults
    Capacity capacity = new Capacity();
    assertThat(capacity.figures().tasks).isEqualTo(Capacity.DEFAULT_TASKS);

    // when: batches of 1 core run 1 s, moving them takes 10 ms and the grid's own part 10 ms
    for (int i = 0; i < 60; i++) {
      capacity.report(1_000_000_000L, 10_000_000L, 1_020_000_000L, Fixtures.cores(1));
    }

    // then: 1 s / 20 ms = 50 batches at once, 50 cores; instantaneous likewise
    CapacityFigures f = capacity.figures();
    assertThat(f.tasks).isEqualTo(50);
    assertThat(f.cores).isEqualTo(50);
    assertThat(f.instantaneous).isEqualTo(50);
    assertThat(f.weighted).isBetween(10L, 50L);
  }

  private static dev.gridqueue.grid.work.WorkerDescriptor worker(String id, UUID node) {
    return new dev.gridqueue.grid.work.WorkerDescriptor(
        id,
        node,
        1,
        java.util.Set.of("echo"),
        java.util.Set.of(),
        Fixtures.cores(1),
        "localhost",
        dev.gridqueue.grid.work.WorkerDescriptor.KIND_JVM);
  }

  private static dev.gridqueue.grid.store.QueuedBatchRef batch(String key, int tasks) {
    return Fixtures.batch(
        key, "s", StoredBatch.sequence(System.currentTimeMillis(), 0), tasks, null, null);
  }
}
