package dev.gridqueue.client;

import java.util.Optional;

/**
 * The result of one task: its output payload, or the error its handler raised.
 *
 * @param taskId the id the task was submitted with
 * @param payload the handler's output (empty when it failed)
 * @param error the handler's error, or null when it succeeded
 * @param attempts how many times the task was started
 */
public record TaskResult(String taskId, byte[] payload, String error, int attempts) {
  public boolean succeeded() {
    return error == null;
  }

  public Optional<String> errorMessage() {
    return Optional.ofNullable(error);
  }
}
