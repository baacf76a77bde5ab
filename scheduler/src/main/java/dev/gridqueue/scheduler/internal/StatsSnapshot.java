package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.proto.v1.SessionStats;
import dev.gridqueue.proto.v1.Stats;
import dev.gridqueue.proto.v1.WorkerStats;
import java.util.TreeSet;

/** Builds the wire's {@code Stats} from the scheduler's state (Work Queue's names). */
final class StatsSnapshot {
  private final SchedulerState state;
  /** The latest grid census, or null before the first. */
  private final GridCensus.Census census;

  StatsSnapshot(SchedulerState state, GridCensus.Census census) {
    this.state = state;
    this.census = census;
  }

  /**
   * Tasks of the session waiting: what the scheduler has queued, or what the grid holds beyond
   * the running ones if that is more (a batch the scheduler was never told about still shows).
   */
  private long waiting(SessionQueue s) {
    if (census == null) {
      return s.tasksWaiting;
    }
    return Math.max(s.tasksWaiting, census.queuedTasks(s.info.sessionId()) - s.tasksRunning);
  }

  Stats build(String onlySession) {
    long[] totals = state.totals();
    Stats.Builder stats =
        Stats.newBuilder()
            .setWorkersConnected(state.workers().size())
            .setTasksDone(totals[0])
            .setTasksFailed(totals[1])
            .setTasksDeadLettered(totals[2])
            .setTasksCancelled(totals[3]);
    ResourceAmounts total = ResourceAmounts.NONE;
    ResourceAmounts committed = ResourceAmounts.NONE;
    for (WorkerLoad w : state.workers().values()) {
      boolean busy = !w.held.isEmpty();
      stats.setWorkersBusy(stats.getWorkersBusy() + (busy ? 1 : 0));
      stats.setWorkersIdle(stats.getWorkersIdle() + (busy ? 0 : 1));
      stats.setTotalSlots(stats.getTotalSlots() + w.descriptor.slots());
      total = total.plus(w.descriptor.resources());
      committed = committed.plus(w.committedForStats());
      stats.addWorkers(
          WorkerStats.newBuilder()
              .setWorkerId(w.id())
              .setSlots(w.descriptor.slots())
              .addAllAppIds(new TreeSet<>(w.descriptor.apps()))
              .addAllTags(new TreeSet<>(w.descriptor.tags()))
              .setBatchesHeld(w.held.size())
              .setTasksDone(w.tasksDone)
              .setTasksFailed(w.tasksFailed)
              .setTotal(WireResources.toWire(w.descriptor.resources()))
              .setCommitted(WireResources.toWire(w.committedForStats()))
              .addAllBoundSessions(state.boundSessionsOf(w.id()))
              .setKind(w.descriptor.kind())
              .setHost(w.descriptor.host()));
    }
    stats.setTotal(WireResources.toWire(total)).setCommitted(WireResources.toWire(committed));
    for (SessionQueue s : state.sessions().values()) {
      long unfit = fittingNoWorker(s);
      long waiting = waiting(s);
      stats.setTasksWaiting(stats.getTasksWaiting() + waiting)
          .setTasksRunning(stats.getTasksRunning() + s.tasksRunning)
          .setTasksFittingNoWorker(stats.getTasksFittingNoWorker() + unfit);
      if (onlySession == null || onlySession.equals(s.info.sessionId())) {
        stats.addSessions(
            SessionStats.newBuilder()
                .setSessionId(s.info.sessionId())
                .setAppId(s.info.appId())
                .setPriority(s.info.priority())
                .setWorkers(s.boundTotal)
                .setTasksWaiting(waiting)
                .setTasksRunning(s.tasksRunning)
                .setTasksDone(s.tasksDone)
                .setTasksFailed(s.tasksFailed)
                .setMinWorkers(s.info.minWorkers())
                .setMaxWorkers(s.info.maxWorkers())
                .setPreemptible(s.info.preemptible())
                .setTasksFittingNoWorker(unfit)
                .setTasksDeadLettered(s.tasksDeadLettered)
                .setGridBatchesQueued(census == null ? 0 : census.of(s.info.sessionId()).queuedBatches)
                .setGridBatchesDone(census == null ? 0 : census.of(s.info.sessionId()).doneBatches)
                .setGridDeadLetterEntries(census == null ? 0 : census.of(s.info.sessionId()).deadLetterEntries));
      }
    }
    return stats.build();
  }

  /** Waiting tasks whose need no connected worker that serves the session could ever offer. */
  private long fittingNoWorker(SessionQueue s) {
    long unfit = 0;
    for (SessionQueue.NeedQueue q : s.queues.values()) {
      if (q.batches.isEmpty()) {
        continue;
      }
      boolean fits = false;
      for (WorkerLoad w : state.workers().values()) {
        if (w.descriptor.serves(s.info.appId())
            && w.descriptor.tags().containsAll(s.info.tags())
            && (q.need == null || w.descriptor.resources().covers(q.need))) {
          fits = true;
          break;
        }
      }
      if (!fits) {
        unfit += q.tasks;
      }
    }
    return unfit;
  }
}
