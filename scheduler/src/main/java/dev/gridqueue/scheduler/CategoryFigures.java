package dev.gridqueue.scheduler;

import dev.gridqueue.grid.store.ResourceAmounts;
import java.io.Serializable;

/**
 * One category of a session as the scheduler reports it (Work Queue's category stats): tasks
 * measured, the peaks they reached (memory and disk in MB, cores rounded up, gpus 0), the first
 * allocation a batch that declares nothing gets now (null: a whole worker), the allocation mode
 * (the wire's AllocationMode number), batches run again at the category's maximum, and tasks
 * stopped for going past their allocation. A plain class: it crosses JVMs through Ignite's binary
 * marshaller.
 */
public final class CategoryFigures implements Serializable {
  private static final long serialVersionUID = 1L;

  public final String category;
  public final long tasksMeasured;
  public final ResourceAmounts peak;
  public final ResourceAmounts firstAllocation;
  public final int mode;
  public final long batchesRetriedAtMax;
  public final long tasksExhausted;

  public CategoryFigures(
      String category,
      long tasksMeasured,
      ResourceAmounts peak,
      ResourceAmounts firstAllocation,
      int mode,
      long batchesRetriedAtMax,
      long tasksExhausted) {
    this.category = category;
    this.tasksMeasured = tasksMeasured;
    this.peak = peak;
    this.firstAllocation = firstAllocation;
    this.mode = mode;
    this.batchesRetriedAtMax = batchesRetriedAtMax;
    this.tasksExhausted = tasksExhausted;
  }
}
