package dev.gridqueue.client;

import dev.gridqueue.proto.v1.CommandResult;
import dev.gridqueue.proto.v1.ResultCode;
import dev.gridqueue.proto.v1.TaskRun;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * How one task ended: its output payload, the error its handler raised, or a dead letter (the task
 * ended without a result: its handler failed on a grid that dead-letters failures, it was lost with
 * its worker too often, ran too long, or was cancelled). Every task ends exactly once, as a result
 * or as a dead letter; {@link TaskSession#resubmit} runs a dead-lettered task again.
 *
 * <p>A command task's result also carries its {@link #command() exit code, stdout, stderr and
 * output files}; the session has written the outputs it was asked to fetch before handing the
 * result over. {@link #resultCode()} is Work Queue's result code; {@link #run()} says where and how
 * long the task ran (absent for tasks that never started).
 *
 * @param taskId the id the task was submitted with
 * @param payload the handler's output (empty when it failed or was dead-lettered)
 * @param error the handler's error or why the task was dead-lettered, or null when it succeeded
 * @param attempts how many times the task was started
 * @param deadLetter whether the task ended on the dead-letter stream
 * @param resultCode how the task ended (RESULT_UNSPECIFIED from an older grid)
 * @param command a command task's exit code, stdout, stderr and outputs (default instance for other
 *     tasks)
 * @param run where and how long the task ran (default instance when it did not run)
 */
public record TaskResult(
    String taskId,
    byte[] payload,
    String error,
    int attempts,
    boolean deadLetter,
    ResultCode resultCode,
    CommandResult command,
    TaskRun run) {
  /** A result (not a dead letter). */
  public TaskResult(String taskId, byte[] payload, String error, int attempts) {
    this(taskId, payload, error, attempts, false);
  }

  /** A result or dead letter of a task that is not a command. */
  public TaskResult(String taskId, byte[] payload, String error, int attempts, boolean deadLetter) {
    this(
        taskId,
        payload,
        error,
        attempts,
        deadLetter,
        ResultCode.RESULT_UNSPECIFIED,
        CommandResult.getDefaultInstance(),
        TaskRun.getDefaultInstance());
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

  /** A command task's exit code (0 for other tasks). */
  public int exitCode() {
    return command.getExitCode();
  }

  /**
   * Whether a command task ran to its end with exit code 0 (Work Queue's success with a zero return
   * status); for other tasks, {@link #succeeded()}.
   */
  public boolean commandSucceeded() {
    return succeeded() && command.getExitCode() == 0 && command.getSignal() == 0;
  }

  /** A command task's standard output (its first {@link ContractLimits#STD_STREAM_MAX_BYTES}). */
  public String stdout() {
    return command.getStdout().toString(StandardCharsets.UTF_8);
  }

  /** A command task's standard error (its first {@link ContractLimits#STD_STREAM_MAX_BYTES}). */
  public String stderr() {
    return command.getStderr().toString(StandardCharsets.UTF_8);
  }
}
