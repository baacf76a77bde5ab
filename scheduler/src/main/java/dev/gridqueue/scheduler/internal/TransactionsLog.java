package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.QueuedBatchRef;
import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.grid.work.WorkerDescriptor;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The transactions log: one line per batch and worker event the scheduler sees, in Work Queue's
 * shape ({@code time node SUBJECT id EVENT fields...}, time in microseconds since the epoch) and
 * documented in its header and in the README ("Transactions and stats logs"). The scheduler works
 * per batch, so a line is per batch (with its task count), not per task. Lines are built on the
 * writer's thread ({@link LogWriter}); the scheduling loop only allocates a small record per event.
 * {@link #OFF} does nothing.
 */
class TransactionsLog implements AutoCloseable {
  static final TransactionsLog OFF = new TransactionsLog();

  static final List<String> HEADER =
      List.of(
          "# gridqueue transactions log: time (microseconds since the epoch), the grid node"
              + " holding the scheduler, the event",
          "# time node SCHEDULER START|END",
          "# time node WORKER worker_id host CONNECTION kind slots {resources}",
          "# time node WORKER worker_id host DISCONNECTION (LEFT|LOST)",
          "# time node WORKER worker_id host (FAST_ABORT|BLOCKLISTED) session_id",
          "# time node BATCH batch_key WAITING session_id tasks category {resources_requested}",
          "# time node BATCH batch_key RUNNING worker_id attempt tasks",
          "# time node BATCH batch_key DONE worker_id (SUCCESS|TASK_ERRORS|SKIPPED) tasks failed"
              + " cancelled {measured}",
          "# time node BATCH batch_key RETRY worker_id (WORKER_LOST|JOB_FAILED|FAST_ABORT"
              + "|RETURNED)",
          "# time node BATCH batch_key DEAD_LETTER tasks attempts reason...");

  private final LogWriter writer;
  private final String node;

  private TransactionsLog() {
    this.writer = null;
    this.node = null;
  }

  TransactionsLog(Path file, String node) {
    boolean header = LogWriter.isNew(file);
    this.writer = new LogWriter(file, "transactions-log");
    this.node = token(node);
    if (header) {
      HEADER.forEach(h -> writer.add(() -> h));
    }
  }

  private void add(String subject, String id, String event, Object... fields) {
    if (writer == null) {
      return;
    }
    Instant at = Instant.now();
    writer.add(
        () -> {
          StringBuilder line =
              new StringBuilder(96)
                  .append(at.getEpochSecond() * 1_000_000 + at.getNano() / 1_000)
                  .append(' ')
                  .append(node)
                  .append(' ')
                  .append(subject);
          if (id != null) {
            line.append(' ').append(token(id));
          }
          line.append(' ').append(event);
          for (Object f : fields) {
            line.append(' ').append(f);
          }
          return line.toString();
        });
  }

  boolean enabled() {
    return writer != null;
  }

  void schedulerStart() {
    add("SCHEDULER", null, "START");
  }

  void workerConnected(WorkerDescriptor w) {
    add(
        "WORKER",
        w.workerId(),
        token(w.host()) + " CONNECTION",
        w.kind(),
        w.slots(),
        resources(w.resources()));
  }

  void workerDisconnected(WorkerLoad w, boolean lost) {
    add("WORKER", w.id(), token(w.descriptor.host()) + " DISCONNECTION", lost ? "LOST" : "LEFT");
  }

  void workerStruck(WorkerLoad w, String sessionId, boolean blocklisted) {
    if (w != null) {
      add(
          "WORKER",
          w.id(),
          token(w.descriptor.host()) + (blocklisted ? " BLOCKLISTED" : " FAST_ABORT"),
          token(sessionId));
    }
  }

  void waiting(QueuedBatchRef ref, ResourceAmounts need) {
    add(
        "BATCH",
        ref.key,
        "WAITING",
        token(ref.sessionId),
        ref.taskCount,
        ref.category == null ? "-" : token(ref.category),
        need == null ? "{}" : lazy(() -> resources(need)));
  }

  void running(Assignment a, int tasks) {
    add("BATCH", a.batchKey(), "RUNNING", token(a.workerId()), a.attempt(), tasks);
  }

  void done(String key, String workerId, SchedulerState.Outcome o) {
    add(
        "BATCH",
        key,
        "DONE",
        token(workerId),
        verdict(o),
        o.tasks(),
        o.failed(),
        o.cancelled(),
        lazy(() -> measured(o)));
  }

  private static String measured(SchedulerState.Outcome o) {
    return "{\"wall_time\":["
        + seconds(o.runNanos())
        + ",\"s\"],\"bytes_sent\":["
        + o.bytesRead()
        + ",\"B\"],\"bytes_received\":["
        + o.bytesWritten()
        + ",\"B\"],\"time_send\":["
        + seconds(o.readNanos())
        + ",\"s\"],\"time_receive\":["
        + seconds(o.writeNanos())
        + ",\"s\"]}";
  }

  /** Formatted when written, on the writer's thread. */
  private static Object lazy(java.util.function.Supplier<String> text) {
    return new Object() {
      @Override
      public String toString() {
        return text.get();
      }
    };
  }

  /** SKIPPED: nothing ran (an earlier run had written the results, or the session closed). */
  private static String verdict(SchedulerState.Outcome o) {
    if (o.tasks() == 0) {
      return "SKIPPED";
    }
    return o.failed() + o.cancelled() == 0 ? "SUCCESS" : "TASK_ERRORS";
  }

  void retry(String key, String workerId, String why) {
    add("BATCH", key, "RETRY", token(workerId), why);
  }

  void deadLetter(String key, int tasks, int attempts, String reason) {
    add("BATCH", key, "DEAD_LETTER", tasks, attempts, reason.replace('\n', ' '));
  }

  /** Work Queue's resources dictionary: {@code {"cores":[1,"cores"],"memory":[800,"MB"],...}}. */
  static String resources(ResourceAmounts r) {
    return "{\"cores\":["
        + r.cores()
        + ",\"cores\"],\"memory\":["
        + r.memoryMb()
        + ",\"MB\"],\"disk\":["
        + r.diskMb()
        + ",\"MB\"],\"gpus\":["
        + r.gpus()
        + ",\"gpus\"]}";
  }

  private static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.6f", nanos / 1e9);
  }

  /** A field without spaces (ids and hosts are free text to the grid). */
  static String token(String s) {
    if (s == null || s.isEmpty()) {
      return "-";
    }
    return s.indexOf(' ') < 0 && s.indexOf('\n') < 0 ? s : s.replaceAll("\\s", "_");
  }

  /** Says the scheduler stops here, writes what is queued and closes the file. */
  @Override
  public void close() {
    if (writer != null) {
      add("SCHEDULER", null, "END");
      writer.close();
    }
  }
}
