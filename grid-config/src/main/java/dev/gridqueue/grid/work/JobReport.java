package dev.gridqueue.grid.work;

import java.io.Serializable;

/**
 * What became of a dispatched batch, as its executor reports it to the scheduler: whether it ran
 * and stored results, and how its tasks ended. A plain class, not a record: it crosses JVMs through
 * Ignite's binary marshaller, which cannot fill a record's fields (they would arrive as zeros).
 */
public final class JobReport implements Serializable {
  private static final long serialVersionUID = 3L;

  /** Not run: already done, delivered, or its session closed. */
  public static final JobReport SKIPPED = new JobReport(false, 0, 0, 0, 0, false, false);

  /** Not started: the worker was unbound from the session; queue it again. */
  public static final JobReport RETURNED = new JobReport(false, 0, 0, 0, 0, true, false);

  /** Stopped for running past its fast-abort limit; to run on another worker. */
  public static final JobReport FAST_ABORTED = new JobReport(false, 0, 0, 0, 0, false, true);

  private final boolean ran;
  private final int tasks;
  private final int failed;
  private final int cancelled;
  private final long runNanos;
  private final boolean returned;
  private final boolean fastAborted;
  private final BatchUsage usage;
  private final String exhausted;
  private long bytesRead;
  private long bytesWritten;
  private long readNanos;
  private long writeNanos;

  private JobReport(
      boolean ran,
      int tasks,
      int failed,
      int cancelled,
      long runNanos,
      boolean returned,
      boolean fastAborted) {
    this(ran, tasks, failed, cancelled, runNanos, returned, fastAborted, BatchUsage.NONE, null);
  }

  private JobReport(
      boolean ran,
      int tasks,
      int failed,
      int cancelled,
      long runNanos,
      boolean returned,
      boolean fastAborted,
      BatchUsage usage,
      String exhausted) {
    this.ran = ran;
    this.tasks = tasks;
    this.failed = failed;
    this.cancelled = cancelled;
    this.runNanos = runNanos;
    this.returned = returned;
    this.fastAborted = fastAborted;
    this.usage = usage;
    this.exhausted = exhausted;
  }

  /** The batch ran and its results were stored; its tasks used {@code usage}. */
  public static JobReport ran(
      int tasks, int failed, int cancelled, long runNanos, BatchUsage usage) {
    return new JobReport(true, tasks, failed, cancelled, runNanos, false, false, usage, null);
  }

  /**
   * Stopped because a task used more than the batch's allocation ({@code why}, e.g. "memory: peak
   * 612 MB > 256 MB declared") while its category offers more: to run again with the category's
   * maximum. Nothing was written.
   */
  public static JobReport exhausted(String why, BatchUsage usage) {
    return new JobReport(false, 0, 0, 0, 0, false, false, usage, why);
  }

  /** The batch ran and its results were stored. */
  public static JobReport ran(int tasks, int failed, int cancelled, long runNanos) {
    return new JobReport(true, tasks, failed, cancelled, runNanos, false, false);
  }

  /**
   * This report with what moving the batch cost its worker: the bytes of the batch it read and the
   * time reading took, the bytes of results (and dead letters) it wrote and the time writing took.
   */
  public JobReport withTransfer(
      long bytesRead, long readNanos, long bytesWritten, long writeNanos) {
    JobReport r =
        new JobReport(
            ran, tasks, failed, cancelled, runNanos, returned, fastAborted, usage, exhausted);
    r.bytesRead = bytesRead;
    r.readNanos = readNanos;
    r.bytesWritten = bytesWritten;
    r.writeNanos = writeNanos;
    return r;
  }

  /** Bytes of the batch the worker read (Work Queue's bytes sent to workers). */
  public long bytesRead() {
    return bytesRead;
  }

  /** Bytes of results and dead letters the worker wrote (Work Queue's bytes received). */
  public long bytesWritten() {
    return bytesWritten;
  }

  public long readNanos() {
    return readNanos;
  }

  public long writeNanos() {
    return writeNanos;
  }

  public boolean ran() {
    return ran;
  }

  public int tasks() {
    return tasks;
  }

  /** Tasks that failed (handler error, maximum running time): dead-lettered. */
  public int failed() {
    return failed;
  }

  /** Tasks skipped because the client cancelled them: dead-lettered. */
  public int cancelled() {
    return cancelled;
  }

  public long runNanos() {
    return runNanos;
  }

  /** Handed back unstarted (UNBIND). */
  public boolean returned() {
    return returned;
  }

  /** Stopped for running past its fast-abort limit; to run on another worker. */
  public boolean fastAborted() {
    return fastAborted;
  }

  /** What the batch's tasks used; {@link BatchUsage#NONE} when not measured. */
  public BatchUsage usage() {
    return usage == null ? BatchUsage.NONE : usage;
  }

  /** Why the batch is to run again with its category's maximum; null: it is not. */
  public String exhausted() {
    return exhausted;
  }
}
