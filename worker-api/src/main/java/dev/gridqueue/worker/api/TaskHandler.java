package dev.gridqueue.worker.api;

/**
 * Runs the tasks of one app. Implementations are found with {@link java.util.ServiceLoader}: list
 * them in {@code META-INF/services/dev.gridqueue.worker.api.TaskHandler}, and either put the jar in
 * the directory a worker loads with {@code --handlers DIR} or on the worker's classpath. A handler
 * needs a public no-argument constructor, and is called from several threads at once: it must be
 * thread-safe.
 */
public interface TaskHandler {
  /**
   * The app id sessions name to reach this handler, e.g. "echo". Unique among a worker's handlers.
   */
  String appId();

  /**
   * Runs one task and returns its result payload. A thrown exception fails the task only: its class
   * and message go back to the client as the result's {@code error}, and the batch's other tasks go
   * on. A task stopped for running too long is interrupted: let {@link InterruptedException}
   * propagate.
   */
  byte[] handle(TaskContext context, byte[] payload) throws Exception;
}
