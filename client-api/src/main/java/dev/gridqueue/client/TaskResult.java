package dev.gridqueue.client;

import java.util.Optional;

/**
 * How one task ended: its output payload, the error its handler raised, or a dead letter (the task
 * ended without a result: its handler failed on a grid that dead-letters failures, it was lost with
 * its worker too often, ran too long, or was cancelled). Every task ends exactly once, as a result
 * or as a dead letter; {@link TaskSession#resubmit} runs a dead-lettered task again.
 *
 * @param taskId the id the task was submitted with
 * @param payload the handler's output (empty when it failed or was dead-lettered)
 * @param error the handler's error or why the task was dead-lettered, or null when it succeeded
 * @param attempts how many times the task was started
 * @param deadLetter whether the task ended on the dead-letter stream
 */
public record TaskResult(
    String taskId, byte[] payload, String error, int attempts, boolean deadLetter) {
  /** A result (not a dead letter). */
  public TaskResult(String taskId, byte[] payload, String error, int attempts) {
    this(taskId, payload, error, attempts, false);
  }

  public boolean succeeded() {
    return error == null && !deadLetter;
  }

  /** Whether the task ended without a result, on the dead-letter stream. */
  public boolean isDeadLetter() {
    return deadLetter;
  }

  public Optional<String> errorMessage() {
    return Optional.ofNullable(error);
  }
}
