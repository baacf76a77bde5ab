package dev.gridqueue.worker.api;

import java.util.Objects;
import java.util.function.Function;

/**
 * What a handler knows about the task it runs, and the shared data its batch reads. Workers build
 * one per task; handler tests build their own with the public constructors.
 */
public final class TaskContext {
  private final String sessionId;
  private final String taskId;
  private final int attempt;
  private final SharedData sharedData;

  /** A task whose batch reads no shared data. */
  public TaskContext(String sessionId, String taskId, int attempt) {
    this(sessionId, taskId, attempt, null);
  }

  /**
   * A task whose batch reads {@code sharedData}, or none if it is null. In a handler's unit test,
   * pass {@link SharedData#of(int, byte[])}.
   */
  public TaskContext(String sessionId, String taskId, int attempt, SharedData sharedData) {
    this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
    this.taskId = Objects.requireNonNull(taskId, "taskId");
    this.attempt = attempt;
    this.sharedData = sharedData;
  }

  public String sessionId() {
    return sessionId;
  }

  public String taskId() {
    return taskId;
  }

  /** 1 on the first run of the task, 2 on its first retry, and so on. */
  public int attempt() {
    return attempt;
  }

  /** Whether the task's batch reads shared data ({@code use_shared_data}). */
  public boolean hasSharedData() {
    return sharedData != null;
  }

  /**
   * The shared-data level the batch reads.
   *
   * @throws IllegalStateException if the batch reads no shared data
   */
  public int sharedDataLevel() {
    return requireSharedData().level();
  }

  /**
   * The shared data's bytes. Fetched once per batch; on a worker node, from its near cache after
   * the first batch of the level. The array is shared: do not modify it.
   *
   * @throws IllegalStateException if the batch reads no shared data
   */
  public byte[] sharedData() {
    return requireSharedData().bytes();
  }

  /**
   * The shared data decoded by {@code decoder}, decoded once per worker and level and kept for
   * later tasks and batches. Pass the same decoder (a constant, or a method reference held in a
   * field) so that it is recognised; the result must be safe to share between threads.
   *
   * @throws IllegalStateException if the batch reads no shared data
   */
  public <T> T sharedObject(Function<byte[], T> decoder) {
    return requireSharedData().decoded(decoder);
  }

  private SharedData requireSharedData() {
    if (sharedData == null) {
      throw new IllegalStateException("the batch of task " + taskId + " does not use shared data");
    }
    return sharedData;
  }
}
