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

  /** The serialized result batch for the serialized task batch. */
  public byte[] run(String sessionId, String appId, byte[] taskBatch, int attempt)
      throws InvalidProtocolBufferException {
    Batch tasks = Batch.parseFrom(taskBatch);
    Optional<TaskHandler> handler = handlers.forApp(appId);
    Batch.Builder results =
        Batch.newBuilder().setId(tasks.getId()).setSessionId(sessionId).setPriority(tasks.getPriority());
    for (Message task : tasks.getMessagesList()) {
      results.addMessages(runTask(handler, appId, sessionId, task, attempt));
    }
    return results.build().toByteArray();
  }

  private static Message runTask(
      Optional<TaskHandler> handler, String appId, String sessionId, Message task, int attempt) {
    Message.Builder result =
        Message.newBuilder().setId(task.getId()).setRelatedId(task.getId()).setAttempts(attempt);
    if (handler.isEmpty()) {
      return result.setError("app '" + appId + "' is not served by this worker").build();
    }
    try {
      byte[] output =
          handler.get().handle(new TaskContext(sessionId, task.getId(), attempt), task.getPayload().toByteArray());
      return result.setPayload(output == null ? ByteString.EMPTY : ByteString.copyFrom(output)).build();
    } catch (Exception | LinkageError | AssertionError e) {
      return result.setError(describe(e)).build();
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message != null ? ": " + message : "");
  }
}
