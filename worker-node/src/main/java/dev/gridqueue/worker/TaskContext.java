package dev.gridqueue.worker;

/** What a handler knows about the task it runs. */
public final class TaskContext {
  private final String sessionId;
  private final String taskId;
  private final int attempt;

  public TaskContext(String sessionId, String taskId, int attempt) {
    this.sessionId = sessionId;
    this.taskId = taskId;
    this.attempt = attempt;
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
}
