package dev.gridqueue.grid.work;

import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.TaskRun;
import java.util.List;

/**
 * What running a batch produced: one result per task in task order (failed and cancelled ones with
 * {@code error} set), the task batch's id and priority, the counts, and what every result's run
 * shares ({@code Batch.run}: worker, host, attempt; null when the tasks did not run on a worker).
 * {@link ResultWriter} stores it.
 */
public record RunOutcome(
    String batchId,
    int priority,
    List<Message> results,
    int failed,
    int cancelled,
    long runNanos,
    TaskRun sharedRun) {
  /** An outcome whose results share no run (given up, or stamped result by result). */
  public RunOutcome(
      String batchId,
      int priority,
      List<Message> results,
      int failed,
      int cancelled,
      long runNanos) {
    this(batchId, priority, results, failed, cancelled, runNanos, null);
  }

  public int tasks() {
    return results.size();
  }

  /** Every result in one batch, errors inline. */
  public byte[] allResults(String sessionId) {
    return resultBatch(sessionId, results).build().toByteArray();
  }

  /** A batch of {@code messages} (some or all of the results) with the shared run. */
  public Batch.Builder resultBatch(String sessionId, List<Message> messages) {
    Batch.Builder b =
        Batch.newBuilder()
            .setId(batchId)
            .setSessionId(sessionId)
            .setPriority(priority)
            .addAllMessages(messages);
    return sharedRun == null ? b : b.setRun(sharedRun);
  }
}
