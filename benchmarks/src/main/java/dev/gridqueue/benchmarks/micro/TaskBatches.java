package dev.gridqueue.benchmarks.micro;

import com.google.protobuf.ByteString;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import java.util.Random;

/** Task batches as clients send them: ids "task-N", random (incompressible) payloads. */
final class TaskBatches {
  private TaskBatches() {}

  /** A batch of {@code tasks} tasks of {@code payloadBytes} bytes each, the same for a seed. */
  static Batch of(String sessionId, int tasks, int payloadBytes, long seed) {
    Random random = new Random(seed);
    Batch.Builder batch =
        Batch.newBuilder().setId("batch-" + seed).setSessionId(sessionId).setPriority(5);
    for (int i = 0; i < tasks; i++) {
      byte[] payload = new byte[payloadBytes];
      random.nextBytes(payload);
      batch.addMessages(
          Message.newBuilder().setId("task-" + i).setPayload(ByteString.copyFrom(payload)));
    }
    return batch.build();
  }

  /** The results a worker writes back for {@code tasks}: one result per task, same payload. */
  static Batch resultsOf(Batch tasks) {
    Batch.Builder results =
        Batch.newBuilder()
            .setId(tasks.getId())
            .setSessionId(tasks.getSessionId())
            .setPriority(tasks.getPriority());
    for (Message task : tasks.getMessagesList()) {
      results.addMessages(
          Message.newBuilder()
              .setId(task.getId())
              .setRelatedId(task.getId())
              .setAttempts(1)
              .setPayload(task.getPayload()));
    }
    return results.build();
  }
}
