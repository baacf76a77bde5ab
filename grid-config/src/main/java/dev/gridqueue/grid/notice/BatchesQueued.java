package dev.gridqueue.grid.notice;

import dev.gridqueue.grid.store.QueuedBatchRef;
import java.io.Serializable;
import java.util.List;

/**
 * Batches a grid node accepted (stored with their backups), sent to the scheduler's node. The
 * accepting node looks the scheduler up after the batches are stored (see {@link
 * SchedulerLocation}), so a batch is either announced to the scheduler that is running or stored
 * before a new scheduler scans the grid: none falls in between.
 *
 * <p>Why not a continuous query on the batches cache: with two or more server nodes and no fault at
 * all, its events for some of the first batches a node stored never arrived (the batches stayed
 * queued and unscheduled until a node left and the scheduler re-scanned).
 */
public final class BatchesQueued implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<QueuedBatchRef> refs;

  public BatchesQueued(List<QueuedBatchRef> refs) {
    this.refs = List.copyOf(refs);
  }

  public List<QueuedBatchRef> refs() {
    return refs;
  }
}
