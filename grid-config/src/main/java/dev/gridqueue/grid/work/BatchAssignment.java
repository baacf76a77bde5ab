package dev.gridqueue.grid.work;

import dev.gridqueue.grid.store.ResourceAmounts;
import java.io.Serializable;
import java.util.UUID;

/**
 * A batch the scheduler gave a worker: run {@code batchKey} for {@code appId} as attempt {@code
 * attempt} on worker {@code workerId}. {@code bindGeneration} identifies the worker's binding to
 * the session (an UNBIND of that generation returns the batch if it has not started); {@code
 * maxTaskNanos} and {@code abortAfterNanos} (0: none) bound a task's and the batch's run; {@code
 * deliverTo} is the grid node serving the session's client when it was dispatched (null: none). A
 * plain class: it crosses JVMs through Ignite's binary marshaller.
 */
public final class BatchAssignment implements Serializable {
  private static final long serialVersionUID = 2L;

  private final String batchKey;
  private final String appId;
  private final String workerId;
  private final int attempt;
  private final long bindGeneration;
  private final long maxTaskNanos;
  private final long abortAfterNanos;
  private final UUID deliverTo;
  private final ResourceAmounts allocation;
  private final boolean retryAtMax;

  public BatchAssignment(
      String batchKey,
      String appId,
      String workerId,
      int attempt,
      long bindGeneration,
      long maxTaskNanos,
      long abortAfterNanos,
      UUID deliverTo) {
    this(
        batchKey,
        appId,
        workerId,
        attempt,
        bindGeneration,
        maxTaskNanos,
        abortAfterNanos,
        deliverTo,
        null,
        false);
  }

  /**
   * As above, with the resources the batch was given ({@code allocation}, null: the whole worker),
   * which a command task must not exceed in memory or disk, and whether a batch that does is to run
   * again with its category's maximum ({@code retryAtMax}) rather than end its task.
   */
  public BatchAssignment(
      String batchKey,
      String appId,
      String workerId,
      int attempt,
      long bindGeneration,
      long maxTaskNanos,
      long abortAfterNanos,
      UUID deliverTo,
      ResourceAmounts allocation,
      boolean retryAtMax) {
    this.batchKey = batchKey;
    this.appId = appId;
    this.workerId = workerId;
    this.attempt = attempt;
    this.bindGeneration = bindGeneration;
    this.maxTaskNanos = maxTaskNanos;
    this.abortAfterNanos = abortAfterNanos;
    this.deliverTo = deliverTo;
    this.allocation = allocation;
    this.retryAtMax = retryAtMax;
  }

  /** What the batch was given; null: the whole worker (nothing enforced but running time). */
  public ResourceAmounts allocation() {
    return allocation;
  }

  /** Whether a batch that runs out of its allocation runs again with its category's maximum. */
  public boolean retryAtMax() {
    return retryAtMax;
  }

  public String batchKey() {
    return batchKey;
  }

  public String appId() {
    return appId;
  }

  public String workerId() {
    return workerId;
  }

  public int attempt() {
    return attempt;
  }

  public long bindGeneration() {
    return bindGeneration;
  }

  public long maxTaskNanos() {
    return maxTaskNanos;
  }

  public long abortAfterNanos() {
    return abortAfterNanos;
  }

  public UUID deliverTo() {
    return deliverTo;
  }
}
