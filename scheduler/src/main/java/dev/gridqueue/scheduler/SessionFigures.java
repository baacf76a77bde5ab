package dev.gridqueue.scheduler;

import dev.gridqueue.grid.store.TaskCounters;
import java.io.Serializable;
import java.util.List;

/**
 * One session as the scheduler reports it (Work Queue's names). Task counts are tasks; {@code
 * gridBatches*} are what the grid's latest census found (queued or running, done waiting for
 * delivery, dead-letter entries waiting). A plain class: it crosses JVMs through Ignite's binary
 * marshaller.
 */
public final class SessionFigures implements Serializable {
  private static final long serialVersionUID = 2L;

  public final String sessionId;
  public final String appId;
  public final int priority;
  public final boolean preemptible;
  public final int minWorkers;
  public final int maxWorkers;

  /** Workers holding at least one of its batches. */
  public final int workers;

  public final long tasksWaiting;
  public final long tasksRunning;
  public final long tasksDone;
  public final long tasksFailed;
  public final long tasksDeadLettered;
  public final long tasksFittingNoWorker;
  public final long gridBatchesQueued;
  public final long gridBatchesDone;
  public final long gridDeadLetterEntries;

  /** What its tasks used, per category (batches without one under ""). */
  public final List<CategoryFigures> categories;

  /** Its cumulative counters ({@link dev.gridqueue.grid.store.GridCounter}). */
  public final TaskCounters counters;

  public SessionFigures(
      String sessionId,
      String appId,
      int priority,
      boolean preemptible,
      int minWorkers,
      int maxWorkers,
      int workers,
      long tasksWaiting,
      long tasksRunning,
      long tasksDone,
      long tasksFailed,
      long tasksDeadLettered,
      long tasksFittingNoWorker,
      long gridBatchesQueued,
      long gridBatchesDone,
      long gridDeadLetterEntries,
      List<CategoryFigures> categories,
      TaskCounters counters) {
    this.sessionId = sessionId;
    this.appId = appId;
    this.priority = priority;
    this.preemptible = preemptible;
    this.minWorkers = minWorkers;
    this.maxWorkers = maxWorkers;
    this.workers = workers;
    this.tasksWaiting = tasksWaiting;
    this.tasksRunning = tasksRunning;
    this.tasksDone = tasksDone;
    this.tasksFailed = tasksFailed;
    this.tasksDeadLettered = tasksDeadLettered;
    this.tasksFittingNoWorker = tasksFittingNoWorker;
    this.gridBatchesQueued = gridBatchesQueued;
    this.gridBatchesDone = gridBatchesDone;
    this.gridDeadLetterEntries = gridDeadLetterEntries;
    this.categories = List.copyOf(categories);
    this.counters = counters;
  }
}
