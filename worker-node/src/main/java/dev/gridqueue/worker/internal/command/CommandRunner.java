package dev.gridqueue.worker.internal.command;

import com.google.protobuf.ByteString;
import dev.gridqueue.client.CommandRules;
import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.grid.work.BatchAbortedException;
import dev.gridqueue.grid.work.TaskErrors;
import dev.gridqueue.proto.v1.Command;
import dev.gridqueue.proto.v1.CommandResult;
import dev.gridqueue.proto.v1.InputFile;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.ResultCode;
import dev.gridqueue.proto.v1.TaskRun;
import dev.gridqueue.shareddata.FileStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Runs one command task ({@code Message.command}) in a sandbox of its own: places the inputs, runs
 * the command line in a process group, stops the group at the task's maximum running time, on
 * cancel and when the worker stops (the batch's thread interrupted), stores the outputs in the
 * grid's file store, and answers with Work Queue's result code. Failures are data: everything but a
 * stopping worker becomes the task's result.
 */
public final class CommandRunner {
  /** How often a running command checks for a cancel. */
  private static final long POLL_MILLIS = 50;

  private final Sandboxes sandboxes;
  private final InputCache cache;
  private final FileStore files;
  private final RunningCommands running;
  private final CommandShells shells;
  private final OutputCollector outputs;

  CommandRunner(
      Sandboxes sandboxes,
      InputCache cache,
      FileStore files,
      RunningCommands running,
      CommandShells shells) {
    this.sandboxes = sandboxes;
    this.shells = shells;
    this.cache = cache;
    this.files = files;
    this.running = running;
    this.outputs = new OutputCollector(files, cache);
  }

  /**
   * A runner with sandboxes under {@code sandboxRoot} and a cache of {@code cacheBytes} in {@code
   * cacheDir}; it stops the commands still running when the JVM exits.
   */
  public static CommandRunner create(
      FileStore files, Path sandboxRoot, Path cacheDir, long cacheBytes, String workerId) {
    RunningCommands running = new RunningCommands();
    Sandboxes sandboxes = new Sandboxes(sandboxRoot);
    CommandShells shells = new CommandShells(sandboxes.root());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  shells.close();
                  running.stopAll();
                },
                "gridqueue-stop-commands-" + workerId));
    return new CommandRunner(
        sandboxes,
        new InputCache(cacheDir, cacheBytes, files::copyTo, workerId),
        files,
        running,
        shells);
  }

  /** Inputs fetched over the network since the worker started. */
  public long fetches() {
    return cache.fetches();
  }

  /**
   * Runs {@code task}'s command and completes {@code result} (id and attempts set) with its
   * outcome. {@code maxTaskNanos} (0: none) is the session's limit, {@code cancelled} says whether
   * the client cancelled the task.
   *
   * @throws BatchAbortedException if the worker is stopping (the thread was interrupted): the
   *     command was stopped and the batch runs again elsewhere
   */
  public Message run(
      String sessionId,
      Message task,
      Message.Builder result,
      long maxTaskNanos,
      BooleanSupplier cancelled) {
    return run(sessionId, task, result, maxTaskNanos, cancelled, null);
  }

  /**
   * As above, stopping the command when it goes past the memory or disk of {@code allocation}
   * (null: the whole worker, nothing enforced): it ends with RESULT_RESOURCE_EXHAUSTION and an
   * error naming the resource and the amounts. The result carries what the command used ({@code
   * run.usage}).
   */
  public Message run(
      String sessionId,
      Message task,
      Message.Builder result,
      long maxTaskNanos,
      BooleanSupplier cancelled,
      ResourceAmounts allocation) {
    Command command = task.getCommand();
    String problem = CommandRules.problem(command, "command");
    if (problem != null) {
      return ended(result, ResultCode.RESULT_TASK_ERROR, problem);
    }
    Sandboxes.Run run;
    try {
      run = sandboxes.create(task.getId());
    } catch (IOException e) {
      return ended(result, ResultCode.RESULT_RESOURCE_EXHAUSTION, "no sandbox: " + e);
    }
    try {
      String missing = placeInputs(sessionId, command, run);
      if (missing != null) {
        return ended(result, ResultCode.RESULT_INPUT_MISSING, missing);
      }
      return execute(
          sessionId,
          task,
          command,
          run,
          result,
          limitNanos(command, maxTaskNanos),
          cancelled,
          allocation);
    } catch (IOException e) {
      return ended(result, ResultCode.RESULT_RESOURCE_EXHAUSTION, e.toString());
    } finally {
      run.delete();
    }
  }

  /** The tighter of the task's and the session's limits, 0 for none. */
  private static long limitNanos(Command command, long sessionNanos) {
    long own =
        command.hasMaxRunningTime()
            ? Duration.ofSeconds(
                    command.getMaxRunningTime().getSeconds(),
                    command.getMaxRunningTime().getNanos())
                .toNanos()
            : 0;
    if (own <= 0) {
      return sessionNanos;
    }
    return sessionNanos <= 0 ? own : Math.min(own, sessionNanos);
  }

  /** Null when every input is in place, else why one is not. */
  private String placeInputs(String sessionId, Command command, Sandboxes.Run run)
      throws IOException {
    for (String dir : command.getDirectoriesList()) {
      Files.createDirectories(run.inSandbox(dir));
    }
    for (int i = 0; i < command.getInputsCount(); i++) {
      InputFile in = command.getInputs(i);
      Path target = run.inSandbox(in.getRemoteName());
      Files.createDirectories(target.getParent());
      if (in.getSourceCase() == InputFile.SourceCase.CONTENT) {
        Files.write(target, in.getContent().toByteArray());
        continue;
      }
      String missing =
          "INPUT_MISSING: command.inputs["
              + i
              + "] ("
              + in.getRemoteName()
              + "): "
              + FileStore.notFound(sessionId, in.getSha256());
      // Checked in the grid even when this worker caches the file: a session reads only its own.
      if (files.find(sessionId, in.getSha256()) == null) {
        return missing;
      }
      try {
        cache.place(sessionId, in.getSha256(), in.getCache(), target);
      } catch (FileNotFoundException e) {
        return missing;
      }
    }
    return null;
  }

  private Message execute(
      String sessionId,
      Message task,
      Command command,
      Sandboxes.Run run,
      Message.Builder result,
      long limitNanos,
      BooleanSupplier cancelled,
      ResourceAmounts allocation)
      throws IOException {
    ProcessGroup group;
    try {
      group =
          shells.start(
              run.sandbox(),
              run.stdout(),
              run.stderr(),
              command.getEnvMap(),
              command.getCommandLine());
    } catch (IOException e) {
      return ended(result, ResultCode.RESULT_RESOURCE_EXHAUSTION, "cannot start the command: " + e);
    }
    running.add(group);
    ResultCode stoppedFor = null;
    long started = System.nanoTime();
    ResourceWatch watch =
        new ResourceWatch(
            group.process().pid(), run.sandbox(), allocation, started, group.cpuNanosBefore());
    String exceeded = null;
    try {
      while (true) {
        exceeded = watch.check(System.nanoTime());
        if (exceeded != null) {
          stoppedFor = ResultCode.RESULT_RESOURCE_EXHAUSTION;
          break;
        }
        long waitMillis = POLL_MILLIS;
        if (limitNanos > 0) {
          long left = limitNanos - (System.nanoTime() - started);
          if (left <= 0) {
            stoppedFor = ResultCode.RESULT_MAX_RUNNING_TIME;
            break;
          }
          waitMillis = Math.max(1, Math.min(waitMillis, left / 1_000_000));
        }
        try {
          if (group.waitFor(waitMillis)) {
            break;
          }
        } catch (InterruptedException e) {
          group.stop(ContractLimits.KILL_GRACE);
          Thread.currentThread().interrupt();
          throw new BatchAbortedException(
              "worker stopping: command of task " + task.getId() + " stopped");
        }
        if (cancelled.getAsBoolean()) {
          stoppedFor = ResultCode.RESULT_CANCELLED;
          break;
        }
      }
      if (stoppedFor != null) {
        group.stop(ContractLimits.KILL_GRACE);
      }
    } finally {
      running.remove(group);
    }
    String exceededAtEnd = watch.ended(System.nanoTime());
    if (stoppedFor == null && exceededAtEnd != null) {
      stoppedFor = ResultCode.RESULT_RESOURCE_EXHAUSTION;
      exceeded = exceededAtEnd;
    }
    result.setRun(TaskRun.newBuilder().setUsage(watch.usage()));
    int exit = group.exitCode();
    CommandResult.Builder out = CommandResult.newBuilder();
    captureStd(run.stdout(), true, out);
    captureStd(run.stderr(), false, out);
    if (stoppedFor == ResultCode.RESULT_RESOURCE_EXHAUSTION) {
      return ended(result.setCommandResult(out), stoppedFor, exceeded);
    }
    if (stoppedFor == ResultCode.RESULT_MAX_RUNNING_TIME) {
      return ended(
          result.setCommandResult(out),
          stoppedFor,
          TaskErrors.MAX_WALLTIME
              + ": the task ran longer than its maximum running time of "
              + Duration.ofNanos(limitNanos)
              + " and was stopped");
    }
    if (stoppedFor == ResultCode.RESULT_CANCELLED) {
      return ended(
          result.setCommandResult(out),
          stoppedFor,
          TaskErrors.CANCELLED + " by the client while running");
    }
    // A process ended by signal N reads as exit 128 + N, from the JDK and from the shell alike.
    if (exit > 128 && exit <= 128 + 64) {
      out.setSignal(exit - 128).setExitCode(exit);
      return ended(
          result.setCommandResult(out),
          ResultCode.RESULT_SIGNAL,
          "SIGNAL: the command was ended by signal " + (exit - 128));
    }
    out.setExitCode(exit);
    OutputCollector.Collected collected = outputs.collect(sessionId, command, run);
    out.addAllOutputs(collected.files()).addAllOutputDirectories(collected.directories());
    if (collected.overLimit() != null) {
      return ended(
          result.setCommandResult(out),
          ResultCode.RESULT_RESOURCE_EXHAUSTION,
          collected.overLimit());
    }
    List<String> missing = collected.missing();
    result.setCommandResult(out);
    if (!missing.isEmpty()) {
      return ended(
          result,
          ResultCode.RESULT_OUTPUT_MISSING,
          "OUTPUT_MISSING: the command (exit code " + exit + ") did not write " + missing);
    }
    return result.setResultCode(ResultCode.RESULT_SUCCESS).build();
  }

  /** Reads the head of a captured stream: one stat when it is empty or absent (most are). */
  private static void captureStd(Path file, boolean stdout, CommandResult.Builder out)
      throws IOException {
    long size;
    try {
      size = Files.size(file);
    } catch (java.nio.file.NoSuchFileException e) {
      return;
    }
    if (size == 0) {
      return;
    }
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(ContractLimits.STD_STREAM_MAX_BYTES);
    }
    boolean truncated = size > head.length;
    if (stdout) {
      out.setStdout(ByteString.copyFrom(head)).setStdoutTruncated(truncated);
    } else {
      out.setStderr(ByteString.copyFrom(head)).setStderrTruncated(truncated);
    }
  }

  private static Message ended(Message.Builder result, ResultCode code, String error) {
    return result.setResultCode(code).setError(error).build();
  }
}
