package dev.gridqueue.grid.work;

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
  private static final long serialVersionUID = 1L;

  private final String batchKey;
  private final String appId;
  private final String workerId;
  private final int attempt;
  private final long bindGeneration;
  private final long maxTaskNanos;
  private final long abortAfterNanos;
  private final UUID deliverTo;

  public BatchAssignment(
      String batchKey,
      String appId,
      String workerId,
      int attempt,
      long bindGeneration,
      long maxTaskNanos,
      long abortAfterNanos,
      UUID deliverTo) {
    this.batchKey = batchKey;
    this.appId = appId;
    this.workerId = workerId;
    this.attempt = attempt;
    this.bindGeneration = bindGeneration;
    this.maxTaskNanos = maxTaskNanos;
    this.abortAfterNanos = abortAfterNanos;
    this.deliverTo = deliverTo;
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
