package dev.gridqueue.grid.work;

import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import java.util.List;

/**
 * What running a batch produced: one result per task in task order (failed and cancelled ones with
 * {@code error} set), the task batch's id and priority, and the counts. {@link ResultWriter} stores
 * it.
 */
public record RunOutcome(
    String batchId, int priority, List<Message> results, int failed, int cancelled, long runNanos) {
  public int tasks() {
    return results.size();
  }

  /** Every result in one batch, errors inline. */
  public byte[] allResults(String sessionId) {
    return Batch.newBuilder()
        .setId(batchId)
        .setSessionId(sessionId)
        .setPriority(priority)
        .addAllMessages(results)
        .build()
        .toByteArray();
  }
}
