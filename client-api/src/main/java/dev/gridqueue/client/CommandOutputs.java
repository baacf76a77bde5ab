package dev.gridqueue.client;

import dev.gridqueue.proto.v1.OutputFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Where a session's command tasks want their output files: written when the task's result is handed
 * to the caller (on the caller's thread, never on a transport thread), from the result when inline,
 * else downloaded from the grid's file store.
 */
final class CommandOutputs {
  private final Map<String, Map<String, Path>> byTask = new ConcurrentHashMap<>();
  private final Supplier<FilesClient> files;

  CommandOutputs(Supplier<FilesClient> files) {
    this.files = files;
  }

  void expect(String taskId, Map<String, Path> outputs) {
    if (outputs.values().stream().anyMatch(p -> p != null)) {
      byTask.put(taskId, Map.copyOf(withoutNulls(outputs)));
    }
  }

  /** Writes the outputs {@code result} brings that its task asked for; returns the result. */
  TaskResult deliver(TaskResult result) {
    if (result == null) {
      return null;
    }
    Map<String, Path> wanted = byTask.remove(result.taskId());
    if (wanted == null) {
      return result;
    }
    for (OutputFile out : result.command().getOutputsList()) {
      Path local = wanted.get(out.getRemoteName());
      if (local == null) {
        continue;
      }
      try {
        if (out.getInline()) {
          if (local.toAbsolutePath().getParent() != null) {
            Files.createDirectories(local.toAbsolutePath().getParent());
          }
          Files.write(local, out.getContent().toByteArray());
        } else {
          files.get().download(out.getSha256(), local);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot write output " + out.getRemoteName() + " of task " + result.taskId(), e);
      }
    }
    return result;
  }

  private static Map<String, Path> withoutNulls(Map<String, Path> outputs) {
    Map<String, Path> kept = new java.util.HashMap<>();
    outputs.forEach(
        (name, path) -> {
          if (path != null) {
            kept.put(name, path);
          }
        });
    return kept;
  }
}
