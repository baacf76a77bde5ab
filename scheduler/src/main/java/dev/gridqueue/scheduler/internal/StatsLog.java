package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.GridCounter;
import dev.gridqueue.scheduler.GridFigures;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * The stats log: Work Queue's time series of the stats fields, one line every {@link
 * #PERIOD_MILLIS} ms while this node holds the scheduler. The first column is the time in
 * microseconds since the epoch, the others the figures named in {@link #COLUMNS}, under Work
 * Queue's names (times in microseconds, as Work Queue's). A header line ({@code # timestamp
 * name...}) starts the file and every stretch a node writes, with a comment naming the node, so a
 * file a second scheduler appends to still reads column by column. Written by a {@link LogWriter}.
 */
final class StatsLog implements AutoCloseable {
  static final long PERIOD_MILLIS = 1_000;

  /** The columns after the timestamp, in order. */
  static final Map<String, ToLongFunction<GridFigures>> COLUMNS = columns();

  private final LogWriter writer;

  StatsLog(Path file, String node) {
    this.writer = new LogWriter(file, "stats-log");
    String started = "# scheduler on grid node " + node + " from " + java.time.Instant.now();
    writer.add(() -> started);
    writer.add(StatsLog::header);
  }

  static String header() {
    return "# timestamp " + String.join(" ", COLUMNS.keySet());
  }

  /** Queues a line with these figures, taken now. */
  void write(GridFigures f) {
    long micros = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
    writer.add(() -> line(micros, f));
  }

  static String line(long micros, GridFigures f) {
    StringBuilder line = new StringBuilder(512).append(micros);
    COLUMNS.values().forEach(c -> line.append(' ').append(c.applyAsLong(f)));
    return line.toString();
  }

  private static Map<String, ToLongFunction<GridFigures>> columns() {
    Map<String, ToLongFunction<GridFigures>> c = new LinkedHashMap<>();
    c.put("workers_connected", f -> f.workersConnected);
    c.put("workers_idle", f -> f.workersIdle);
    c.put("workers_busy", f -> f.workersBusy);
    c.put("workers_joined", f -> f.counters.get(GridCounter.WORKERS_JOINED));
    c.put("workers_removed", f -> f.counters.get(GridCounter.WORKERS_REMOVED));
    c.put("workers_lost", f -> f.counters.get(GridCounter.WORKERS_LOST));
    c.put("workers_fast_aborted", f -> f.counters.get(GridCounter.WORKERS_FAST_ABORTED));
    c.put("workers_blocklisted", f -> f.counters.get(GridCounter.WORKERS_BLOCKLISTED));
    c.put("tasks_waiting", f -> f.tasksWaiting);
    c.put("tasks_running", f -> f.tasksRunning);
    c.put("tasks_submitted", f -> f.counters.get(GridCounter.TASKS_SUBMITTED));
    c.put("tasks_dispatched", f -> f.counters.get(GridCounter.TASKS_DISPATCHED));
    c.put("tasks_retried", f -> f.counters.get(GridCounter.TASKS_RETRIED));
    c.put("tasks_done", f -> f.tasksDone);
    c.put("tasks_failed", f -> f.tasksFailed);
    c.put("tasks_dead_lettered", f -> f.tasksDeadLettered);
    c.put("tasks_cancelled", f -> f.tasksCancelled);
    c.put("tasks_fitting_no_worker", f -> f.tasksFittingNoWorker);
    c.put("time_send", f -> micros(f, GridCounter.TIME_SEND_NANOS));
    c.put("time_receive", f -> micros(f, GridCounter.TIME_RECEIVE_NANOS));
    c.put("time_workers_execute", f -> micros(f, GridCounter.TIME_WORKERS_EXECUTE_NANOS));
    c.put("bytes_sent", f -> f.counters.get(GridCounter.BYTES_SENT));
    c.put("bytes_received", f -> f.counters.get(GridCounter.BYTES_RECEIVED));
    c.put("capacity_tasks", f -> f.capacity.tasks);
    c.put("capacity_cores", f -> f.capacity.cores);
    c.put("capacity_memory", f -> f.capacity.memoryMb);
    c.put("capacity_disk", f -> f.capacity.diskMb);
    c.put("capacity_instantaneous", f -> f.capacity.instantaneous);
    c.put("capacity_weighted", f -> f.capacity.weighted);
    c.put("total_slots", f -> f.totalSlots);
    c.put("total_cores", f -> f.total.cores());
    c.put("total_memory", f -> f.total.memoryMb());
    c.put("total_disk", f -> f.total.diskMb());
    c.put("total_gpus", f -> f.total.gpus());
    c.put("committed_cores", f -> f.committed.cores());
    c.put("committed_memory", f -> f.committed.memoryMb());
    c.put("committed_disk", f -> f.committed.diskMb());
    c.put("committed_gpus", f -> f.committed.gpus());
    c.put("sessions", f -> f.sessions.size());
    c.put("batches_reconciled", f -> f.batchesReconciled);
    return java.util.Collections.unmodifiableMap(c);
  }

  private static long micros(GridFigures f, GridCounter nanos) {
    return TimeUnit.NANOSECONDS.toMicros(f.counters.get(nanos));
  }

  @Override
  public void close() {
    writer.close();
  }
}
