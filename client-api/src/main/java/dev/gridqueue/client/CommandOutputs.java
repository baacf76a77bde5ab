package dev.gridqueue.client;

import dev.gridqueue.proto.v1.OutputDirectory;
import dev.gridqueue.proto.v1.OutputFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Where a session's command tasks want their output files and directories: written when the task's
 * result is handed to the caller (on the caller's thread, never on a transport thread), from the
 * result when inline, else downloaded from the grid's file store.
 */
final class CommandOutputs {
  /** What one task asks for: output files and output directories by remote name. */
  private record Wanted(Map<String, Path> files, Map<String, Path> directories) {}

  private final Map<String, Wanted> byTask = new ConcurrentHashMap<>();
  private final Supplier<FilesClient> files;

  CommandOutputs(Supplier<FilesClient> files) {
    this.files = files;
  }

  void expect(String taskId, Map<String, Path> outputs, Map<String, Path> directories) {
    Map<String, Path> f = withoutNulls(outputs);
    Map<String, Path> d = withoutNulls(directories);
    if (!f.isEmpty() || !d.isEmpty()) {
      byTask.put(taskId, new Wanted(Map.copyOf(f), Map.copyOf(d)));
    }
  }

  /** Writes the outputs {@code result} brings that its task asked for; returns the result. */
  TaskResult deliver(TaskResult result) {
    if (result == null) {
      return null;
    }
    Wanted wanted = byTask.remove(result.taskId());
    if (wanted == null) {
      return result;
    }
    for (OutputFile out : result.command().getOutputsList()) {
      Path local = wanted.files().get(out.getRemoteName());
      if (local != null) {
        write(result, out, local);
      }
    }
    for (OutputDirectory dir : result.command().getOutputDirectoriesList()) {
      Path local = wanted.directories().get(dir.getRemoteName());
      if (local == null) {
        continue;
      }
      Path root = local.toAbsolutePath().normalize();
      try {
        Files.createDirectories(root);
        for (String empty : dir.getEmptyDirectoriesList()) {
          Files.createDirectories(under(root, dir.getRemoteName(), empty));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot write output directory " + dir.getRemoteName() + " of task " + result.taskId(),
            e);
      }
      for (OutputFile out : dir.getFilesList()) {
        write(result, out, under(root, dir.getRemoteName(), out.getRemoteName()));
      }
    }
    return result;
  }

  /**
   * Where {@code sandboxPath}, a path under the sandbox directory {@code remoteDir}, goes under
   * {@code root}; never outside it, whatever the result says.
   */
  private static Path under(Path root, String remoteDir, String sandboxPath) {
    String relative =
        sandboxPath.equals(remoteDir)
            ? ""
            : sandboxPath.startsWith(remoteDir + "/")
                ? sandboxPath.substring(remoteDir.length() + 1)
                : null;
    Path target = relative == null ? null : root.resolve(relative).normalize();
    if (target == null || !target.startsWith(root)) {
      throw new IllegalStateException(
          "output " + sandboxPath + " is not under directory " + remoteDir + "; not written");
    }
    return target;
  }

  private void write(TaskResult result, OutputFile out, Path local) {
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
