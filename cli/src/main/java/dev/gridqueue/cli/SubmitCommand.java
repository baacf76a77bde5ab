package dev.gridqueue.cli;

import dev.gridqueue.client.BatchOptions;
import dev.gridqueue.client.CommandTask;
import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gridqueue submit}: one session with the given scheduling attributes, N tasks of one
 * payload, results counted. For trying the scheduling rules by hand against a running grid, with
 * {@code status} in another terminal. With {@code --command} (one task) or {@code --tasks FILE}
 * (one JSON task a line) it runs command tasks instead, and exits 1 unless every one ran to its end
 * with exit code 0.
 */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description =
        "Run N tasks in a new session with the given attributes on a running grid; print what ended how.")
final class SubmitCommand implements Callable<Integer>, CliFailures.TalksToGrid {
  @Mixin GridConnection connection = new GridConnection();

  @Option(names = "--app", description = "App id (default: ${DEFAULT-VALUE}).")
  String app = "sleep";

  @Option(
      names = "--tasks",
      paramLabel = "N|FILE",
      description =
          "Number of tasks (default: ${DEFAULT-VALUE}), or a file of command tasks, one JSON object a line (see README).")
  String tasksOrFile = "100";

  @Option(
      names = "--command",
      description = "Run one command task: this command line, with /bin/sh -c in a sandbox.")
  String command;

  @Option(
      names = "--input",
      paramLabel = "LOCAL[:REMOTE]",
      description =
          "An input file of the --command task, placed in its sandbox as REMOTE (default: its file name) and cached on the worker; a directory is sent with everything under it.")
  List<String> inputs = List.of();

  @Option(
      names = "--output",
      paramLabel = "REMOTE[:LOCAL]",
      description =
          "An output file of the --command task, written to LOCAL (default: REMOTE); REMOTE ending with / brings back a directory with everything under it.")
  List<String> outputs = List.of();

  @Option(
      names = "--payload",
      description = "Payload of every task, as text (default: ${DEFAULT-VALUE}: 100 ms for sleep).")
  String payload = "100";

  @Option(names = "--batch-size", description = "Tasks per batch (default: ${DEFAULT-VALUE}).")
  int batchSize = 1;

  @Option(names = "--priority", description = "Session priority 0-10.")
  Integer priority;

  @Option(names = "--min-workers", description = "Workers guaranteed while the session has work.")
  int minWorkers;

  @Option(names = "--max-workers", description = "Cap on workers bound to the session (0: none).")
  int maxWorkers;

  @Option(
      names = "--preemptible",
      description = "Yield workers to higher-priority sessions after the current batch.")
  boolean preemptible;

  @Option(names = "--max-inflight", description = "Batches a worker may hold for the session.")
  Integer maxInflight;

  @Option(names = "--tags", split = ",", description = "Tags a worker must carry.")
  List<String> tags = List.of();

  @Option(
      names = "--cores",
      description = "Cores each batch needs (0 with no other resource: a whole worker).")
  int cores;

  @Option(names = "--memory", description = "Memory in MB each batch needs.")
  long memoryMb;

  @Option(names = "--disk", description = "Disk in MB each batch needs.")
  long diskMb;

  @Option(names = "--gpus", description = "GPUs each batch needs.")
  int gpus;

  @Option(
      names = "--batch-priority",
      description = "Priority of the tasks' batches within the session (higher first; default 0).")
  Integer batchPriority;

  @Option(
      names = "--category",
      description =
          "Category of the tasks' batches (Work Queue's categories; fast abort compares within one).")
  String category;

  @Option(
      names = "--max-retries",
      description = "Times a batch lost with its worker is run again (default: the session's, 3).")
  Integer maxRetries;

  @Option(names = "--tag", description = "Tag of every task (`sessions cancel --tag` names it).")
  String tag = "";

  @Option(
      names = "--batch-resources",
      split = ",",
      paramLabel = "CORES,MEMORY_MB,DISK_MB,GPUS",
      description = "Resources of the tasks' batches, overriding the session's and the category's.")
  List<Long> batchResources;

  @Option(
      names = "--max-task-ms",
      description = "Maximum running time of a task in ms (MAX_WALLTIME).")
  Long maxTaskMillis;

  @Option(
      names = "--timeout-s",
      description = "Give up waiting after this many seconds (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds = 600;

  @Option(
      names = "--idle-timeout-s",
      description =
          "The grid closes the session this long after its client went away (killed submit):"
              + " default ${DEFAULT-VALUE}; 0 keeps it.")
  long idleTimeoutSeconds = 60;

  @Override
  public GridConnection connection() {
    return connection;
  }

  @Override
  public Integer call() throws Exception {
    List<CommandTaskFile.Entry> commandTasks = commandTasks();
    BatchOptions batch = batchOptions(); // checked before anything is sent
    if (commandTasks != null) {
      app = ContractLimits.COMMAND_APP_ID;
      commandTasks.forEach(e -> e.task().checkLocalInputs()); // before a session is opened
    }
    SessionOptions.Builder options =
        SessionOptions.forApp(app)
            .workers(minWorkers, maxWorkers)
            .tags(tags)
            .batchSize(batchSize)
            .preemptible(preemptible);
    if (priority != null) {
      options.priority(priority);
    }
    if (maxInflight != null) {
      options.maxInflightBatchesPerWorker(maxInflight);
    }
    if (cores + memoryMb + diskMb + gpus > 0) {
      options.taskResources(cores, memoryMb, diskMb, gpus);
    }
    if (maxTaskMillis != null) {
      options.maxTaskRunningTime(Duration.ofMillis(maxTaskMillis));
    }
    if (idleTimeoutSeconds > 0) {
      options.idleTimeout(Duration.ofSeconds(idleTimeoutSeconds));
    }
    try (GridQueueClient client = connection.connect()) {
      new WorkerFit(app, tags, cores, memoryMb, diskMb, gpus)
          .warning(client.stats())
          .ifPresent(w -> System.err.println("gridqueue submit: warning: " + w));
      return run(client, options.build(), batch, commandTasks);
    }
  }

  private int run(
      GridQueueClient client,
      SessionOptions options,
      BatchOptions batch,
      List<CommandTaskFile.Entry> commandTasks)
      throws Exception {
    try (TaskSession session = client.openSession(options)) {
      if (commandTasks != null) {
        System.out.printf("session %s: %,d command tasks%n", session.id(), commandTasks.size());
        boolean allOk =
            new CommandSubmission(System.out)
                .run(session, commandTasks, Duration.ofSeconds(timeoutSeconds));
        return allOk ? ExitCodes.OK : ExitCodes.FAILED;
      }
      int tasks = Integer.parseInt(tasksOrFile);
      System.out.printf("session %s: %,d tasks of app %s%n", session.id(), tasks, app);
      long started = System.nanoTime();
      byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
      session.useBatchOptions(batch);
      for (int i = 0; i < tasks; i++) {
        session.submit("t" + i, bytes, tag);
      }
      session.finishSending();
      Set<String> seen = new HashSet<>();
      int ok = 0;
      int failed = 0;
      int dead = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
      ResultWait results = new ResultWait(session, System.out);
      while (seen.size() < tasks && System.nanoTime() < deadline && !results.closed()) {
        TaskResult r = results.next();
        if (r == null || !seen.add(r.taskId())) {
          continue;
        }
        if (r.isDeadLetter()) {
          dead++;
          if (dead <= 3) {
            System.out.printf(
                "dead letter %s (attempts %d): %s%n", r.taskId(), r.attempts(), r.error());
          }
        } else if (r.succeeded()) {
          ok++;
        } else {
          failed++;
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      int missing = tasks - seen.size();
      System.out.printf(
          "ended: %,d results, %,d failed, %,d dead letters, %,d missing; %.1f s%n",
          ok, failed, dead, missing, seconds);
      if (failed + dead + missing > 0) {
        System.err.printf(
            "gridqueue submit: %,d of %,d tasks did not succeed%s%n",
            failed + dead + missing,
            tasks,
            missing > 0 ? " (" + missing + " never ended within --timeout-s)" : "");
        return ExitCodes.FAILED;
      }
      return ExitCodes.OK;
    }
  }

  /** What --batch-priority, --category, --max-retries and --batch-resources ask of every batch. */
  private BatchOptions batchOptions() {
    BatchOptions.Builder b = BatchOptions.newBuilder();
    if (batchPriority != null) {
      b.priority(batchPriority);
    }
    if (category != null) {
      b.category(category);
    }
    if (maxRetries != null) {
      b.maxRetries(maxRetries);
    }
    if (batchResources != null) {
      if (batchResources.size() != 4) {
        throw new IllegalArgumentException(
            "--batch-resources needs CORES,MEMORY_MB,DISK_MB,GPUS, got " + batchResources);
      }
      b.resources(
          Math.toIntExact(batchResources.get(0)),
          batchResources.get(1),
          batchResources.get(2),
          Math.toIntExact(batchResources.get(3)));
    }
    return b.build();
  }

  /** The command tasks asked for (--command, or --tasks FILE), or null for N tasks of an app. */
  private List<CommandTaskFile.Entry> commandTasks() throws IOException {
    if (command != null) {
      CommandTask.Builder task = CommandTask.of(command);
      for (String in : inputs) {
        int colon = in.indexOf(':');
        Path local = Path.of(colon < 0 ? in : in.substring(0, colon));
        CommandTaskFile.input(
            task,
            local,
            colon < 0 ? local.getFileName().toString() : in.substring(colon + 1),
            true);
      }
      for (String out : outputs) {
        int colon = out.indexOf(':');
        String remote = colon < 0 ? out : out.substring(0, colon);
        CommandTaskFile.output(task, remote, Path.of(colon < 0 ? out : out.substring(colon + 1)));
      }
      return List.of(new CommandTaskFile.Entry("command", task.build()));
    }
    if (!inputs.isEmpty() || !outputs.isEmpty()) {
      throw new IllegalArgumentException("--input and --output need --command");
    }
    if (tasksOrFile.chars().allMatch(Character::isDigit)) {
      return null;
    }
    return CommandTaskFile.read(Path.of(tasksOrFile));
  }
}
