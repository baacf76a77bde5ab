package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.QueuedBatchRef;
import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.grid.work.WorkerDescriptor;
import dev.gridqueue.scheduler.GridFigures;
import java.util.Set;
import java.util.UUID;

/**
 * Conveniences for the scheduler's unit tests, kept out of production code: short outcomes, figures
 * without a census, and the sessions, workers and batches the tests build.
 */
final class Fixtures {
  private Fixtures() {}

  /**
   * A job report that counts nothing (a batch found already done, or whose figures don't matter).
   */
  static SchedulerState.Outcome nothingCounted() {
    return new SchedulerState.Outcome(0, 0, 0, 0);
  }

  /** A job report: {@code tasks} ran, {@code failed} of them failed. */
  static SchedulerState.Outcome ran(int tasks, int failed) {
    return new SchedulerState.Outcome(tasks, failed, 0, 0);
  }

  /** The scheduler's figures as {@code GetStats} gives them, without a grid census. */
  static GridFigures figures(SchedulerState state, String onlySession) {
    return new StatsSnapshot(state, null).build(onlySession, 0);
  }

  /** A session with defaults but for its priority and in-flight limit. */
  static SessionInfo session(String id, String app, int priority, int maxInflight) {
    return SessionInfo.builder(id, app).priority(priority).maxInflight(maxInflight).build();
  }

  static ResourceAmounts cores(int n) {
    return new ResourceAmounts(n, 0, 0, 0);
  }

  /** A JVM worker serving {@code app} on host "localhost". */
  static WorkerDescriptor jvmWorker(
      String id, String app, ResourceAmounts resources, String... tags) {
    return new WorkerDescriptor(
        id,
        UUID.randomUUID(),
        Math.max(1, resources.cores()),
        Set.of(app),
        Set.of(tags),
        resources,
        "localhost",
        WorkerDescriptor.KIND_JVM);
  }

  /** A polyglot (gRPC) worker serving {@code app}. */
  static WorkerDescriptor grpcWorker(String id, String app, ResourceAmounts resources) {
    return new WorkerDescriptor(
        id,
        UUID.randomUUID(),
        Math.max(1, resources.cores()),
        Set.of(app),
        Set.of(),
        resources,
        "localhost",
        WorkerDescriptor.KIND_GRPC);
  }

  /**
   * A batch of {@code tasks} tasks declaring {@code need} (null: none) in {@code category} (null:
   * none).
   */
  static QueuedBatchRef batch(
      String key,
      String sessionId,
      long sequence,
      int tasks,
      ResourceAmounts need,
      String category) {
    return new QueuedBatchRef(key, sessionId, 0, sequence, tasks, need, category, -1);
  }
}
