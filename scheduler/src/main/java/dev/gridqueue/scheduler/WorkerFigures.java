package dev.gridqueue.scheduler;

import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.grid.store.TaskCounters;
import java.io.Serializable;
import java.util.List;

/**
 * One worker as the scheduler reports it. A plain class: it crosses JVMs through Ignite's binary
 * marshaller.
 */
public final class WorkerFigures implements Serializable {
  private static final long serialVersionUID = 1L;

  public final String workerId;

  /** {@code jvm} or {@code grpc}. */
  public final String kind;

  public final String host;
  public final int slots;
  public final List<String> appIds;
  public final List<String> tags;

  /** Batches it holds now (running or waiting in its queue). */
  public final int batchesHeld;

  public final long tasksDone;
  public final long tasksFailed;
  public final ResourceAmounts total;
  public final ResourceAmounts committed;
  public final List<String> boundSessions;

  /** Its cumulative counters ({@link dev.gridqueue.grid.store.GridCounter}). */
  public final TaskCounters counters;

  public WorkerFigures(
      String workerId,
      String kind,
      String host,
      int slots,
      List<String> appIds,
      List<String> tags,
      int batchesHeld,
      long tasksDone,
      long tasksFailed,
      ResourceAmounts total,
      ResourceAmounts committed,
      List<String> boundSessions,
      TaskCounters counters) {
    this.workerId = workerId;
    this.kind = kind;
    this.host = host;
    this.slots = slots;
    this.appIds = List.copyOf(appIds);
    this.tags = List.copyOf(tags);
    this.batchesHeld = batchesHeld;
    this.tasksDone = tasksDone;
    this.tasksFailed = tasksFailed;
    this.total = total;
    this.committed = committed;
    this.boundSessions = List.copyOf(boundSessions);
    this.counters = counters;
  }
}
