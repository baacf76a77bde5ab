package dev.gridqueue.worker.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.worker.TaskContext;
import dev.gridqueue.worker.TaskHandler;
import java.util.Optional;

/**
 * Runs every task of a batch through its app's handler and builds the result batch. A failing
 * task becomes a result with {@code error} set; it never fails the batch. Internal.
 */
public final class BatchRunner {
  private final HandlerRegistry handlers;

  public BatchRunner(HandlerRegistry handlers) {
    this.handlers = handlers;
  }

  /** The serialized result batch for the serialized task batch, on a worker without shared data. */
  public byte[] run(String sessionId, String appId, byte[] taskBatch, int attempt)
      throws InvalidProtocolBufferException {
    return run(sessionId, appId, taskBatch, attempt, null);
  }

  /** What running a batch produced: the serialized results and how many tasks failed. */
  public record Outcome(byte[] results, int tasks, int failed) {}

  /**
   * The serialized result batch for the serialized task batch. A batch that uses shared data
   * whose level is absent or expired fails every task with the reason, rather than waiting.
   */
  public byte[] run(String sessionId, String appId, byte[] taskBatch, int attempt, SharedDataAccess sharedData)
      throws InvalidProtocolBufferException {
    return runCounted(sessionId, appId, taskBatch, attempt, sharedData).results();
  }

  /** As {@link #run}, with the task and failure counts (for the scheduler's stats). */
  public Outcome runCounted(
      String sessionId, String appId, byte[] taskBatch, int attempt, SharedDataAccess sharedData)
      throws InvalidProtocolBufferException {
    Batch tasks = Batch.parseFrom(taskBatch);
    Batch.Builder results =
        Batch.newBuilder().setId(tasks.getId()).setSessionId(sessionId).setPriority(tasks.getPriority());
    SharedDataView view = null;
    String unavailable = null;
    if (tasks.getUseSharedData()) {
      try {
        if (sharedData == null) {
          throw new IllegalStateException("this worker has no access to shared data");
        }
        Integer level = tasks.hasRequiredSharedDataUpdateLevel() ? tasks.getRequiredSharedDataUpdateLevel() : null;
        view = sharedData.open(sessionId, level);
      } catch (RuntimeException e) {
        unavailable = e.getMessage();
      }
    }
    Optional<TaskHandler> handler = handlers.forApp(appId);
    int failed = 0;
    for (Message task : tasks.getMessagesList()) {
      if (Thread.currentThread().isInterrupted()) {
        throw new BatchAbortedException("batch interrupted before task " + task.getId());
      }
      Message.Builder result =
          Message.newBuilder().setId(task.getId()).setRelatedId(task.getId()).setAttempts(attempt);
      Message answer =
          unavailable != null
              ? result.setError(unavailable).build()
              : runTask(handler, appId, new TaskContext(sessionId, task.getId(), attempt, view), task, result);
      if (answer.hasError()) {
        failed++;
      }
      results.addMessages(answer);
    }
    return new Outcome(results.build().toByteArray(), tasks.getMessagesCount(), failed);
  }

  private static Message runTask(
      Optional<TaskHandler> handler, String appId, TaskContext context, Message task, Message.Builder result) {
    if (handler.isEmpty()) {
      return result.setError("app '" + appId + "' is not served by this worker").build();
    }
    try {
      byte[] output = handler.get().handle(context, task.getPayload().toByteArray());
      if (Thread.currentThread().isInterrupted()) {
        throw new BatchAbortedException("batch interrupted in task " + task.getId());
      }
      return result.setPayload(output == null ? ByteString.EMPTY : ByteString.copyFrom(output)).build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatchAbortedException("batch interrupted in task " + task.getId());
    } catch (BatchAbortedException e) {
      throw e;
    } catch (Exception | LinkageError | AssertionError e) {
      return result.setError(describe(e)).build();
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message != null ? ": " + message : "");
  }
}
