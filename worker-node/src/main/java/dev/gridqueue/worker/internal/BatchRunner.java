package dev.gridqueue.worker.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import dev.gridqueue.grid.work.BatchAbortedException;
import dev.gridqueue.grid.work.RunOutcome;
import dev.gridqueue.grid.work.TaskErrors;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.ResourceUsage;
import dev.gridqueue.proto.v1.ResultCode;
import dev.gridqueue.proto.v1.TaskRun;
import dev.gridqueue.worker.api.TaskContext;
import dev.gridqueue.worker.api.TaskHandler;
import dev.gridqueue.worker.internal.command.CommandRunner;
import dev.gridqueue.worker.internal.command.ResourceWatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs every task of a batch through its app's handler and builds the result batch. A failing task
 * becomes a result with {@code error} set; it never fails the batch. Internal.
 */
public final class BatchRunner {
  private final HandlerRegistry handlers;
  private final CommandRunner commands;
  private final String workerId;
  private final String host;

  public BatchRunner(HandlerRegistry handlers) {
    this(handlers, null, "", "");
  }

  /**
   * A runner that also runs command tasks with {@code commands} (null: refuses them), and says
   * where the results ran: worker and host once for the batch ({@link RunOutcome#sharedRun}),
   * start, end and usage on each result ({@code Message.run}).
   */
  public BatchRunner(
      HandlerRegistry handlers, CommandRunner commands, String workerId, String host) {
    this.handlers = handlers;
    this.commands = commands;
    this.workerId = workerId;
    this.host = host;
  }

  /** The serialized result batch for the serialized task batch, on a worker without shared data. */
  public byte[] run(String sessionId, String appId, byte[] taskBatch, int attempt)
      throws InvalidProtocolBufferException {
    return run(sessionId, appId, taskBatch, attempt, null);
  }

  /**
   * The serialized result batch for the serialized task batch. A batch that uses shared data whose
   * level is absent or expired fails every task with the reason, rather than waiting.
   */
  public byte[] run(
      String sessionId, String appId, byte[] taskBatch, int attempt, SharedDataAccess sharedData)
      throws InvalidProtocolBufferException {
    return runCounted(sessionId, appId, taskBatch, attempt, sharedData, RunLimits.NONE)
        .allResults(sessionId);
  }

  /**
   * Runs the batch within {@code limits}: cancelled tasks are not run, a task past the maximum
   * running time is interrupted and fails with {@link TaskErrors#MAX_WALLTIME}, and a batch past
   * its fast-abort limit throws {@link FastAbortedException}.
   */
  public RunOutcome runCounted(
      String sessionId,
      String appId,
      byte[] taskBatch,
      int attempt,
      SharedDataAccess sharedData,
      RunLimits limits)
      throws InvalidProtocolBufferException {
    long started = System.nanoTime();
    Batch tasks = Batch.parseFrom(taskBatch);
    SharedDataView view = null;
    String unavailable = null;
    if (tasks.getUseSharedData()) {
      try {
        if (sharedData == null) {
          throw new IllegalStateException("this worker has no access to shared data");
        }
        Integer level =
            tasks.hasRequiredSharedDataUpdateLevel()
                ? tasks.getRequiredSharedDataUpdateLevel()
                : null;
        view = sharedData.open(sessionId, level);
      } catch (RuntimeException e) {
        unavailable = e.getMessage();
      }
    }
    Optional<TaskHandler> handler = handlers.forApp(appId);
    List<Message> results = new ArrayList<>(tasks.getMessagesCount());
    int failed = 0;
    int cancelled = 0;
    // One clock read per task: a task starts when the previous one ended (clock reads are not
    // free: ~0.5 µs each on a 2-core VM). Wall-clock times are derived from the batch's start.
    long batchMillis = System.currentTimeMillis();
    long batchNanos = System.nanoTime();
    long taskStart = batchNanos;
    HandlerMeter meter = new HandlerMeter();
    HandlerMeter.Shares stamp =
        (index, startNanos, endNanos, usage) ->
            results.set(
                index,
                stamped(
                    results.get(index),
                    batchMillis + (startNanos - batchNanos) / 1_000_000,
                    batchMillis + (endNanos - batchNanos) / 1_000_000,
                    usage));
    try (Watchdog.Watch batchWatch = Watchdog.watch(limits.abortAfterNanos());
        RunningTaskCancel cancelWatch = RunningTaskCancel.watch(limits.cancellations())) {
      for (Message task : tasks.getMessagesList()) {
        checkNotStopped(batchWatch, task);
        Message.Builder result =
            Message.newBuilder()
                .setId(task.getId())
                .setRelatedId(task.getId())
                .setAttempts(attempt);
        Message answer;
        if (task.hasCommand()
            && unavailable == null
            && !limits.cancellations().get().cancels(task.getId(), task.getTag())) {
          // a command measures itself (its process tree), not this thread
          meter.close(stamp);
          answer = runCommand(sessionId, task, result, limits, batchWatch);
          if (answer.getResultCode() == ResultCode.RESULT_CANCELLED) {
            cancelled++;
          } else if (answer.hasError()) {
            failed++;
          }
          long ended = System.nanoTime();
          results.add(
              stamped(
                  answer,
                  batchMillis + (taskStart - batchNanos) / 1_000_000,
                  batchMillis + (ended - batchNanos) / 1_000_000,
                  null));
          taskStart = ended;
          continue;
        }
        meter.starting(taskStart);
        if (limits.cancellations().get().cancels(task.getId(), task.getTag())) {
          answer =
              result
                  .setError(TaskErrors.CANCELLED + " by the client")
                  .setResultCode(ResultCode.RESULT_CANCELLED)
                  .build();
          cancelled++;
        } else if (unavailable != null) {
          answer =
              result.setError(unavailable).setResultCode(ResultCode.RESULT_INPUT_MISSING).build();
          failed++;
        } else {
          answer =
              runWatched(
                  handler,
                  appId,
                  new TaskContext(sessionId, task.getId(), attempt, view),
                  task,
                  result,
                  limits,
                  batchWatch,
                  cancelWatch);
          if (answer.getResultCode() == ResultCode.RESULT_CANCELLED) {
            cancelled++;
          } else if (answer.hasError()) {
            failed++;
          }
        }
        long ended = System.nanoTime();
        results.add(answer); // stamped when its group is measured
        if (meter.ran(results.size() - 1, taskStart, ended)) {
          meter.close(stamp);
        }
        taskStart = ended;
      }
      meter.close(stamp);
    }
    return new RunOutcome(
        tasks.getId(),
        tasks.getPriority(),
        results,
        failed,
        cancelled,
        System.nanoTime() - started,
        TaskRun.newBuilder().setWorkerId(workerId).setHost(host).setAttempt(attempt).build());
  }

  /** Runs a command task; a fast abort or a stopping worker ends the batch as for handlers. */
  private Message runCommand(
      String sessionId,
      Message task,
      Message.Builder result,
      RunLimits limits,
      Watchdog.Watch batchWatch) {
    if (commands == null) {
      return result
          .setError("this worker does not run command tasks")
          .setResultCode(ResultCode.RESULT_TASK_ERROR)
          .build();
    }
    try {
      Message answer =
          commands.run(
              sessionId,
              task,
              result,
              limits.maxTaskNanos(),
              () -> limits.cancellations().get().cancels(task.getId(), task.getTag()),
              limits.allocation());
      if (limits.retryAtMax() && ResourceWatch.exceededAllocation(answer)) {
        throw new AllocationExceededException(answer.getError(), answer.getRun().getUsage());
      }
      return answer;
    } catch (BatchAbortedException e) {
      if (batchWatch != null && batchWatch.fired()) {
        Thread.interrupted();
        throw new FastAbortedException(
            "batch ran past its fast-abort limit in task " + task.getId());
      }
      throw e;
    }
  }

  /**
   * The result with how long it ran and what it used (where it ran is said once for the batch), and
   * its result code when its runner set none (a handler's result: success, or its error).
   */
  private static Message stamped(
      Message answer, long startedMillis, long endedMillis, ResourceUsage usage) {
    if (usage == null && answer.hasRun()) {
      usage = answer.getRun().getUsage(); // a command's, measured by its runner
    }
    Message.Builder b = answer.toBuilder();
    if (answer.getResultCode() == ResultCode.RESULT_UNSPECIFIED) {
      b.setResultCode(
          !answer.hasError()
              ? ResultCode.RESULT_SUCCESS
              : answer.getError().startsWith(TaskErrors.MAX_WALLTIME)
                  ? ResultCode.RESULT_MAX_RUNNING_TIME
                  : ResultCode.RESULT_TASK_ERROR);
    }
    TaskRun.Builder run =
        TaskRun.newBuilder().setStarted(timestamp(startedMillis)).setEnded(timestamp(endedMillis));
    if (usage != null) {
      run.setUsage(usage);
    }
    return b.setRun(run).build();
  }

  private static Timestamp timestamp(long millis) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(millis, 1000))
        .setNanos((int) Math.floorMod(millis, 1000) * 1_000_000)
        .build();
  }

  private static void checkNotStopped(Watchdog.Watch batchWatch, Message task) {
    if (batchWatch != null && batchWatch.fired()) {
      Thread.interrupted();
      throw new FastAbortedException(
          "batch ran past its fast-abort limit before task " + task.getId());
    }
    if (Thread.currentThread().isInterrupted()) {
      throw new BatchAbortedException("batch interrupted before task " + task.getId());
    }
  }

  private static Message runWatched(
      Optional<TaskHandler> handler,
      String appId,
      TaskContext context,
      Message task,
      Message.Builder result,
      RunLimits limits,
      Watchdog.Watch batchWatch,
      RunningTaskCancel cancelWatch) {
    Watchdog.Watch taskWatch = Watchdog.watch(limits.maxTaskNanos());
    cancelWatch.begin(task);
    try {
      Message answer = runTask(handler, appId, context, task, result);
      // A handler that swallowed the interrupt still ran for a task the client cancelled.
      return cancelWatch.end() ? cancelledWhileRunning(result) : answer;
    } catch (BatchAbortedException e) {
      boolean cancelled = cancelWatch.end();
      if (batchWatch != null && batchWatch.fired()) {
        Thread.interrupted();
        throw new FastAbortedException(
            "batch ran past its fast-abort limit in task " + task.getId());
      }
      if (taskWatch != null && taskWatch.fired()) {
        Thread.interrupted();
        return result.setError(timedOut(limits)).build();
      }
      if (cancelled) {
        return cancelledWhileRunning(result);
      }
      throw e;
    } finally {
      cancelWatch.end();
      if (taskWatch != null) {
        taskWatch.close();
        if (taskWatch.fired()) {
          Thread.interrupted(); // the interrupt was ours, not the node's
        }
      }
    }
  }

  private static Message cancelledWhileRunning(Message.Builder result) {
    return result
        .setError(TaskErrors.CANCELLED + " by the client while running")
        .setResultCode(ResultCode.RESULT_CANCELLED)
        .build();
  }

  private static String timedOut(RunLimits limits) {
    return TaskErrors.MAX_WALLTIME
        + ": the task ran longer than its maximum running time of "
        + java.time.Duration.ofNanos(limits.maxTaskNanos())
        + " and was stopped";
  }

  private static Message runTask(
      Optional<TaskHandler> handler,
      String appId,
      TaskContext context,
      Message task,
      Message.Builder result) {
    if (handler.isEmpty()) {
      return result.setError("app '" + appId + "' is not served by this worker").build();
    }
    Thread thread = Thread.currentThread();
    ClassLoader jobLoader = thread.getContextClassLoader();
    ClassLoader handlerLoader = handler.get().getClass().getClassLoader();
    // Libraries inside a handler jar (JSON mappers, XML, JDBC drivers) find their own classes
    // through the context class loader; the job thread's is the worker's, which cannot see the jar.
    if (handlerLoader != jobLoader) {
      thread.setContextClassLoader(handlerLoader);
    }
    try {
      byte[] output = handler.get().handle(context, task.getPayload().toByteArray());
      if (Thread.currentThread().isInterrupted()) {
        throw new BatchAbortedException("batch interrupted in task " + task.getId());
      }
      return result
          .setPayload(output == null ? ByteString.EMPTY : ByteString.copyFrom(output))
          .build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatchAbortedException("batch interrupted in task " + task.getId());
    } catch (BatchAbortedException e) {
      throw e;
    } catch (Exception | LinkageError | AssertionError e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new BatchAbortedException("batch interrupted in task " + task.getId());
      }
      return result.setError(describe(e)).build();
    } finally {
      if (handlerLoader != jobLoader) {
        thread.setContextClassLoader(jobLoader);
      }
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message != null ? ": " + message : "");
  }
}
