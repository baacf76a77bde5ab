package dev.gridqueue.cli;

import dev.gridqueue.worker.WorkerOptions;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Option;

/** Options of a worker, local or stand-alone. */
final class WorkerSettings {
  @Option(
      names = "--slots",
      description = "Batches the worker runs at once (default: number of cores).")
  Integer slots;

  @Option(
      names = "--apps",
      split = ",",
      description =
          "App ids to serve (default: every built-in app, every handler in the --handlers jars, and command tasks: app 'command').")
  List<String> apps = List.of();

  @Option(
      names = "--handlers",
      paramLabel = "DIR",
      description =
          "Also serve the task handlers of every *.jar in DIR, each jar in its own class loader that sees only the handler API (dev.gridqueue:worker-api) and the JDK.")
  Path handlersDirectory;

  @Option(names = "--tags", split = ",", description = "Tags the worker carries.")
  List<String> tags = List.of();

  @Option(names = "--worker-id", description = "Worker id (default: generated).")
  String workerId;

  @Option(
      names = "--cores",
      description = "Cores offered to batches that declare resources (default: slots).")
  Integer cores;

  @Option(
      names = "--memory",
      description = "Memory in MB offered (default: the JVM's maximum heap).")
  Long memoryMb;

  @Option(
      names = "--disk",
      description = "Disk in MB offered (default: free space of the working directory).")
  Long diskMb;

  @Option(names = "--gpus", description = "GPUs offered (default: 0).")
  Integer gpus;

  @Option(
      names = "--sandbox-dir",
      paramLabel = "DIR",
      description =
          "Where command tasks run, one directory each (default: sandboxes in the worker's work directory). Emptied when the worker starts.")
  Path sandboxDirectory;

  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description =
          "Where cacheable inputs of command tasks are kept (default: input-cache in the worker's work directory).")
  Path cacheDirectory;

  @Option(
      names = "--cache-mb",
      description =
          "Most MB the input cache holds; least recently used files leave first (default: ${DEFAULT-VALUE}).")
  long cacheMb = WorkerOptions.DEFAULT_CACHE_MB;

  WorkerOptions toWorkerOptions() {
    WorkerOptions.Builder b =
        WorkerOptions.newBuilder().apps(new LinkedHashSet<>(apps)).tags(new LinkedHashSet<>(tags));
    if (slots != null) {
      b.slots(slots);
    }
    if (workerId != null) {
      b.workerId(workerId);
    }
    if (handlersDirectory != null) {
      b.handlersDirectory(handlersDirectory);
    }
    b.resources(cores, memoryMb, diskMb, gpus);
    if (sandboxDirectory != null) {
      b.sandboxDirectory(sandboxDirectory);
    }
    b.cache(cacheDirectory, cacheMb);
    return b.build();
  }
}
