package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.grid.store.TaskCounters;
import dev.gridqueue.scheduler.GridFigures;
import dev.gridqueue.scheduler.SessionFigures;
import dev.gridqueue.scheduler.WorkerFigures;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Builds the scheduler's {@link GridFigures} from its state and the grid's latest census. */
final class StatsSnapshot {
  private final SchedulerState state;

  /** The latest grid census, or null before the first. */
  private final GridCensus.Census census;

  StatsSnapshot(SchedulerState state, GridCensus.Census census) {
    this.state = state;
    this.census = census;
  }

  /**
   * Tasks of the session waiting: what the scheduler has queued, or what the grid holds beyond the
   * running ones if that is more (a batch the scheduler was never told about still shows).
   */
  private long waiting(SessionQueue s) {
    if (census == null) {
      return s.tasksWaiting();
    }
    return Math.max(s.tasksWaiting(), census.queuedTasks(s.info.sessionId()) - s.tasksRunning());
  }

  GridFigures build(String onlySession, long batchesReconciled) {
    TaskCounters totals = state.gridCounters();
    int busy = 0;
    int slots = 0;
    ResourceAmounts total = ResourceAmounts.NONE;
    ResourceAmounts committed = ResourceAmounts.NONE;
    List<WorkerFigures> workers = new ArrayList<>();
    for (WorkerLoad w : state.workers().values()) {
      busy += w.heldCount() == 0 ? 0 : 1;
      slots += w.descriptor.slots();
      total = total.plus(w.descriptor.resources());
      committed = committed.plus(w.committedForStats());
      workers.add(
          new WorkerFigures(
              w.id(),
              w.descriptor.kind(),
              w.descriptor.host(),
              w.descriptor.slots(),
              List.copyOf(new TreeSet<>(w.descriptor.apps())),
              List.copyOf(new TreeSet<>(w.descriptor.tags())),
              w.heldCount(),
              w.tasks.done(),
              w.tasks.failed(),
              w.descriptor.resources(),
              w.committedForStats(),
              w.activeSessions(),
              new TaskCounters(w.tasks.done(), w.tasks.failed(), 0, 0, w.tasks.countsView(), 0)));
    }
    long waitingTotal = 0;
    long runningTotal = 0;
    long unfitTotal = 0;
    List<SessionFigures> sessions = new ArrayList<>();
    for (SessionQueue s : state.sessions().values()) {
      long unfit = fittingNoWorker(s);
      long waiting = waiting(s);
      waitingTotal += waiting;
      runningTotal += s.tasksRunning();
      unfitTotal += unfit;
      if (onlySession == null || onlySession.equals(s.info.sessionId())) {
        GridCensus.SessionCount inGrid =
            census == null ? new GridCensus.SessionCount() : census.of(s.info.sessionId());
        sessions.add(
            new SessionFigures(
                s.info.sessionId(),
                s.info.appId(),
                s.info.priority(),
                s.info.preemptible(),
                s.info.minWorkers(),
                s.info.maxWorkers(),
                s.boundTotal(),
                waiting,
                s.tasksRunning(),
                s.tasks.done(),
                s.tasks.failed(),
                s.tasks.deadLettered(),
                unfit,
                inGrid.queuedBatches,
                inGrid.doneBatches,
                inGrid.deadLetterEntries,
                CategorySizing.figures(s),
                TaskTally.of(s)));
      }
    }
    int connected = state.workers().size();
    return new GridFigures(
        connected,
        busy,
        connected - busy,
        slots,
        waitingTotal,
        runningTotal,
        totals.done(),
        totals.failed(),
        totals.deadLettered(),
        totals.cancelled(),
        unfitTotal,
        batchesReconciled,
        total,
        committed,
        sessions,
        workers,
        totals,
        state.capacity());
  }

  /** Waiting tasks whose need no connected worker that serves the session could ever offer. */
  private long fittingNoWorker(SessionQueue s) {
    long unfit = 0;
    for (SessionQueue.NeedQueue q : s.queues()) {
      if (q.isEmpty()) {
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
        unfit += q.tasks();
      }
    }
    return unfit;
  }
}
