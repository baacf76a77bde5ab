package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.grid.store.GridCounter;
import dev.gridqueue.grid.store.TaskCounters;
import dev.gridqueue.proto.v1.CategoryStats;
import dev.gridqueue.proto.v1.SessionStats;
import dev.gridqueue.proto.v1.Stats;
import dev.gridqueue.proto.v1.WorkerStats;
import dev.gridqueue.scheduler.CategoryFigures;
import dev.gridqueue.scheduler.GridFigures;
import dev.gridqueue.scheduler.SessionFigures;
import dev.gridqueue.scheduler.WorkerFigures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The wire's {@code Stats} from the scheduler's {@link GridFigures}. */
public final class WireStats {
  private WireStats() {}

  public static Stats of(GridFigures f, int gridNodes) {
    Stats.Builder stats =
        Stats.newBuilder()
            .setGridNodes(gridNodes)
            .setWorkersConnected(f.workersConnected)
            .setWorkersBusy(f.workersBusy)
            .setWorkersIdle(f.workersIdle)
            .setTotalSlots(f.totalSlots)
            .setTasksWaiting(f.tasksWaiting)
            .setTasksRunning(f.tasksRunning)
            .setTasksDone(f.tasksDone)
            .setTasksFailed(f.tasksFailed)
            .setTasksDeadLettered(f.tasksDeadLettered)
            .setTasksCancelled(f.tasksCancelled)
            .setTasksFittingNoWorker(f.tasksFittingNoWorker)
            .setBatchesReconciled(f.batchesReconciled)
            .setTotal(WireResources.toWire(f.total))
            .setCommitted(WireResources.toWire(f.committed));
    TaskCounters c = f.counters;
    stats
        .setWorkersJoined(c.get(GridCounter.WORKERS_JOINED))
        .setWorkersRemoved(c.get(GridCounter.WORKERS_REMOVED))
        .setWorkersLost(c.get(GridCounter.WORKERS_LOST))
        .setWorkersFastAborted(c.get(GridCounter.WORKERS_FAST_ABORTED))
        .setWorkersBlocklisted(c.get(GridCounter.WORKERS_BLOCKLISTED))
        .setTasksSubmitted(c.get(GridCounter.TASKS_SUBMITTED))
        .setTasksDispatched(c.get(GridCounter.TASKS_DISPATCHED))
        .setTasksRetried(c.get(GridCounter.TASKS_RETRIED))
        .setBytesSent(c.get(GridCounter.BYTES_SENT))
        .setBytesReceived(c.get(GridCounter.BYTES_RECEIVED))
        .setTimeSend(micros(c, GridCounter.TIME_SEND_NANOS))
        .setTimeReceive(micros(c, GridCounter.TIME_RECEIVE_NANOS))
        .setTimeWorkersExecute(micros(c, GridCounter.TIME_WORKERS_EXECUTE_NANOS))
        .setCapacityTasks(f.capacity.tasks)
        .setCapacityCores(f.capacity.cores)
        .setCapacityMemory(f.capacity.memoryMb)
        .setCapacityDisk(f.capacity.diskMb)
        .setCapacityGpus(f.capacity.gpus)
        .setCapacityInstantaneous(f.capacity.instantaneous)
        .setCapacityWeighted(f.capacity.weighted)
        .setBandwidth(bandwidth(c));
    f.sessions.forEach(s -> stats.addSessions(of(s)));
    f.workers.forEach(w -> stats.addWorkers(of(w)));
    return stats.build();
  }

  /**
   * What a non-admin caller may see: grid-wide figures and its own sessions; no worker ids or hosts
   * (a worker id was enough to hijack a worker's batches).
   */
  static Stats visibleTo(Stats all, java.util.function.Predicate<String> seesSession) {
    Stats.Builder visible = all.toBuilder().clearSessions().clearWorkers();
    all.getSessionsList().stream()
        .filter(s -> seesSession.test(s.getSessionId()))
        .forEach(visible::addSessions);
    return visible.build();
  }

  private static SessionStats of(SessionFigures s) {
    return SessionStats.newBuilder()
        .setSessionId(s.sessionId)
        .setAppId(s.appId)
        .setPriority(s.priority)
        .setPreemptible(s.preemptible)
        .setMinWorkers(s.minWorkers)
        .setMaxWorkers(s.maxWorkers)
        .setWorkers(s.workers)
        .setTasksWaiting(s.tasksWaiting)
        .setTasksRunning(s.tasksRunning)
        .setTasksDone(s.tasksDone)
        .setTasksFailed(s.tasksFailed)
        .setTasksDeadLettered(s.tasksDeadLettered)
        .setTasksFittingNoWorker(s.tasksFittingNoWorker)
        .setGridBatchesQueued(s.gridBatchesQueued)
        .setGridBatchesDone(s.gridBatchesDone)
        .setGridDeadLetterEntries(s.gridDeadLetterEntries)
        .addAllCategories(categories(s))
        .setTasksSubmitted(s.counters.get(GridCounter.TASKS_SUBMITTED))
        .setTasksDispatched(s.counters.get(GridCounter.TASKS_DISPATCHED))
        .setTasksRetried(s.counters.get(GridCounter.TASKS_RETRIED))
        .setBytesSent(s.counters.get(GridCounter.BYTES_SENT))
        .setBytesReceived(s.counters.get(GridCounter.BYTES_RECEIVED))
        .setTimeSend(micros(s.counters, GridCounter.TIME_SEND_NANOS))
        .setTimeReceive(micros(s.counters, GridCounter.TIME_RECEIVE_NANOS))
        .setTimeWorkersExecute(micros(s.counters, GridCounter.TIME_WORKERS_EXECUTE_NANOS))
        .build();
  }

  private static List<CategoryStats> categories(SessionFigures s) {
    if (s.categories == null) {
      return List.of();
    }
    List<CategoryStats> out = new ArrayList<>(s.categories.size());
    for (CategoryFigures c : s.categories) {
      CategoryStats.Builder b =
          CategoryStats.newBuilder()
              .setCategory(c.category)
              .setTasksMeasured(c.tasksMeasured)
              .setPeak(WireResources.toWire(c.peak))
              .setModeValue(c.mode)
              .setBatchesRetriedAtMax(c.batchesRetriedAtMax)
              .setTasksExhausted(c.tasksExhausted);
      if (c.firstAllocation != null) {
        b.setFirstAllocation(WireResources.toWire(c.firstAllocation));
      }
      out.add(b.build());
    }
    return out;
  }

  private static WorkerStats of(WorkerFigures w) {
    return WorkerStats.newBuilder()
        .setWorkerId(w.workerId)
        .setKind(w.kind)
        .setHost(w.host)
        .setSlots(w.slots)
        .addAllAppIds(w.appIds)
        .addAllTags(w.tags)
        .setBatchesHeld(w.batchesHeld)
        .setTasksDone(w.tasksDone)
        .setTasksFailed(w.tasksFailed)
        .setTotal(WireResources.toWire(w.total))
        .setCommitted(WireResources.toWire(w.committed))
        .addAllBoundSessions(w.boundSessions)
        .setTasksDispatched(w.counters.get(GridCounter.TASKS_DISPATCHED))
        .setBytesSent(w.counters.get(GridCounter.BYTES_SENT))
        .setBytesReceived(w.counters.get(GridCounter.BYTES_RECEIVED))
        .setTimeSend(micros(w.counters, GridCounter.TIME_SEND_NANOS))
        .setTimeReceive(micros(w.counters, GridCounter.TIME_RECEIVE_NANOS))
        .setTimeWorkersExecute(micros(w.counters, GridCounter.TIME_WORKERS_EXECUTE_NANOS))
        .setFastAborts(w.counters.get(GridCounter.WORKERS_FAST_ABORTED))
        .setBlocklisted(w.counters.get(GridCounter.WORKERS_BLOCKLISTED))
        .build();
  }

  /** Work Queue's time fields are microseconds. */
  private static long micros(TaskCounters c, GridCounter nanos) {
    return TimeUnit.NANOSECONDS.toMicros(c.get(nanos));
  }

  /** Work Queue's bandwidth: MB/s moving batches and results; 0 before anything moved. */
  private static double bandwidth(TaskCounters c) {
    long nanos = c.get(GridCounter.TIME_SEND_NANOS) + c.get(GridCounter.TIME_RECEIVE_NANOS);
    long bytes = c.get(GridCounter.BYTES_SENT) + c.get(GridCounter.BYTES_RECEIVED);
    return nanos == 0 ? 0 : (bytes / 1e6) / (nanos / 1e9);
  }
}
