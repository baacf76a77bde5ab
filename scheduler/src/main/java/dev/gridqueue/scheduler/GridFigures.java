package dev.gridqueue.scheduler;

import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.grid.store.TaskCounters;
import java.io.Serializable;
import java.util.List;

/**
 * The scheduler's figures for the grid (Work Queue's names): workers, tasks by state, resources,
 * and a line per session and per worker. Task counters carry over a scheduler's move (see {@code
 * CounterCheckpoint}); {@code tasksWaiting} counts what the grid's census holds when that is more
 * than the scheduler knows of. A plain class: it crosses JVMs through Ignite's binary marshaller.
 */
public final class GridFigures implements Serializable {
  private static final long serialVersionUID = 1L;

  public final int workersConnected;
  public final int workersBusy;
  public final int workersIdle;
  public final int totalSlots;
  public final long tasksWaiting;
  public final long tasksRunning;
  public final long tasksDone;
  public final long tasksFailed;
  public final long tasksDeadLettered;
  public final long tasksCancelled;
  public final long tasksFittingNoWorker;

  /** Queued batches found only by the grid census (lost notices), since the scheduler started. */
  public final long batchesReconciled;

  public final ResourceAmounts total;
  public final ResourceAmounts committed;
  public final List<SessionFigures> sessions;
  public final List<WorkerFigures> workers;

  /**
   * Every counter since the grid started ({@link dev.gridqueue.grid.store.GridCounter}: submitted,
   * dispatched, retried, bytes, times, workers joined/removed/lost/...), carried over a move.
   */
  public final TaskCounters counters;

  public final CapacityFigures capacity;

  public GridFigures(
      int workersConnected,
      int workersBusy,
      int workersIdle,
      int totalSlots,
      long tasksWaiting,
      long tasksRunning,
      long tasksDone,
      long tasksFailed,
      long tasksDeadLettered,
      long tasksCancelled,
      long tasksFittingNoWorker,
      long batchesReconciled,
      ResourceAmounts total,
      ResourceAmounts committed,
      List<SessionFigures> sessions,
      List<WorkerFigures> workers,
      TaskCounters counters,
      CapacityFigures capacity) {
    this.workersConnected = workersConnected;
    this.workersBusy = workersBusy;
    this.workersIdle = workersIdle;
    this.totalSlots = totalSlots;
    this.tasksWaiting = tasksWaiting;
    this.tasksRunning = tasksRunning;
    this.tasksDone = tasksDone;
    this.tasksFailed = tasksFailed;
    this.tasksDeadLettered = tasksDeadLettered;
    this.tasksCancelled = tasksCancelled;
    this.tasksFittingNoWorker = tasksFittingNoWorker;
    this.batchesReconciled = batchesReconciled;
    this.total = total;
    this.committed = committed;
    this.sessions = List.copyOf(sessions);
    this.workers = List.copyOf(workers);
    this.counters = counters;
    this.capacity = capacity;
  }
}
