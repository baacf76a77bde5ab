package dev.gridqueue.grid.work;

/** How the {@code error} of a task's result starts when the grid, not its handler, ended it. */
public final class TaskErrors {
  /** A task stopped for running past the session's {@code max_task_running_time}. */
  public static final String MAX_WALLTIME = "MAX_WALLTIME";

  /** A task the client cancelled before it started. */
  public static final String CANCELLED = "cancelled";

  private TaskErrors() {}
}
