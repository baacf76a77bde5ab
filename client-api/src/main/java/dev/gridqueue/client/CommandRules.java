package dev.gridqueue.client;

import dev.gridqueue.proto.v1.Command;
import dev.gridqueue.proto.v1.InputFile;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules a command task ({@code Message.command}) must keep, in one place for the Java client
 * (an early error), the grid server (INVALID_ARGUMENT) and the worker (which never trusts a name
 * with a path outside its sandbox).
 */
public final class CommandRules {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private CommandRules() {}

  /**
   * What is wrong with {@code command}, naming the field under {@code field} (e.g.
   * "batch.messages[3].command"), or null when it keeps every rule.
   */
  public static String problem(Command command, String field) {
    if (command.getCommandLine().isBlank()) {
      return field + ".command_line must not be empty";
    }
    String counts = countProblem(command, field);
    if (counts != null) {
      return counts;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < command.getInputsCount(); i++) {
      InputFile in = command.getInputs(i);
      String at = field + ".inputs[" + i + "]";
      String name = nameProblem(in.getRemoteName(), at + ".remote_name");
      if (name != null) {
        return name;
      }
      if (!names.add(in.getRemoteName())) {
        return at + ".remote_name '" + in.getRemoteName() + "' names an input twice";
      }
      switch (in.getSourceCase()) {
        case CONTENT -> {
          if (in.getContent().size() > ContractLimits.INLINE_INPUT_MAX_BYTES) {
            return at
                + ".content is "
                + in.getContent().size()
                + " bytes; the limit is "
                + ContractLimits.INLINE_INPUT_MAX_BYTES
                + " (upload larger files with Files.UploadFile and name their sha256)";
          }
        }
        case SHA256 -> {
          if (!SHA256.matcher(in.getSha256()).matches()) {
            return at + ".sha256 must be 64 lowercase hex digits, got '" + in.getSha256() + "'";
          }
        }
        default -> {
          return at + " needs content or sha256";
        }
      }
    }
    for (int i = 0; i < command.getOutputNamesCount(); i++) {
      String name = nameProblem(command.getOutputNames(i), field + ".output_names[" + i + "]");
      if (name != null) {
        return name;
      }
    }
    for (int i = 0; i < command.getDirectoriesCount(); i++) {
      String name = nameProblem(command.getDirectories(i), field + ".directories[" + i + "]");
      if (name != null) {
        return name;
      }
    }
    for (int i = 0; i < command.getOutputDirectoriesCount(); i++) {
      String name =
          nameProblem(command.getOutputDirectories(i), field + ".output_directories[" + i + "]");
      if (name != null) {
        return name;
      }
    }
    for (int i = 0; i < command.getCachedOutputsCount(); i++) {
      if (!command.getOutputNamesList().contains(command.getCachedOutputs(i))) {
        return field
            + ".cached_outputs["
            + i
            + "] '"
            + command.getCachedOutputs(i)
            + "' is not one of output_names";
      }
    }
    for (String key : command.getEnvMap().keySet()) {
      if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0) {
        return field + ".env has an invalid variable name '" + key + "'";
      }
    }
    if (command.hasMaxRunningTime()
        && (command.getMaxRunningTime().getSeconds() < 0
            || command.getMaxRunningTime().getNanos() < 0)) {
      return field + ".max_running_time must not be negative";
    }
    return null;
  }

  /** The lists of {@code command} over their limits, or null. */
  private static String countProblem(Command command, String field) {
    if (command.getInputsCount() > ContractLimits.COMMAND_INPUTS_MAX) {
      return tooMany(
          field + ".inputs", command.getInputsCount(), ContractLimits.COMMAND_INPUTS_MAX);
    }
    if (command.getDirectoriesCount() > ContractLimits.COMMAND_DIRECTORIES_MAX) {
      return tooMany(
          field + ".directories",
          command.getDirectoriesCount(),
          ContractLimits.COMMAND_DIRECTORIES_MAX);
    }
    if (command.getCachedOutputsCount() > command.getOutputNamesCount()) {
      return tooMany(
          field + ".cached_outputs",
          command.getCachedOutputsCount(),
          command.getOutputNamesCount());
    }
    if (command.getOutputDirectoriesCount() > ContractLimits.COMMAND_OUTPUT_DIRECTORIES_MAX) {
      return tooMany(
          field + ".output_directories",
          command.getOutputDirectoriesCount(),
          ContractLimits.COMMAND_OUTPUT_DIRECTORIES_MAX);
    }
    return null;
  }

  private static String tooMany(String field, int count, int limit) {
    return field + " has " + count + " entries; the limit is " + limit;
  }

  /**
   * What is wrong with a file name in the sandbox under {@code field}, or null: it must be a
   * non-empty relative path that stays inside the sandbox.
   */
  public static String nameProblem(String name, String field) {
    if (name.isEmpty()) {
      return field + " must not be empty";
    }
    if (name.startsWith("/") || name.indexOf('\0') >= 0 || name.indexOf('\\') >= 0) {
      return field + " '" + name + "' must be a relative path inside the sandbox";
    }
    for (String part : name.split("/", -1)) {
      if (part.equals("..") || part.isEmpty() || part.equals(".")) {
        return field
            + " '"
            + name
            + "' must be a relative path inside the sandbox (no '..', '.' or '//')";
      }
    }
    return null;
  }
}
