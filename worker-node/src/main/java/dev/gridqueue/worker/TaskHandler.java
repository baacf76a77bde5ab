package dev.gridqueue.worker;

/**
 * Runs the tasks of one app. Implementations are found with {@link java.util.ServiceLoader}: list
 * them in {@code META-INF/services/dev.gridqueue.worker.TaskHandler} and put the jar on the
 * worker's classpath. A handler is called from several threads at once and must be thread-safe.
 */
public interface TaskHandler {
  /** The app id sessions name to reach this handler, e.g. "echo". */
  String appId();

  /**
   * Runs one task and returns its result payload. A thrown exception fails the task: its message
   * goes back to the client as the result's {@code error}.
   */
  byte[] handle(TaskContext context, byte[] payload) throws Exception;
}
