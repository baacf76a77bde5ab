package dev.gridqueue.server.internal.ops;

import dev.gridqueue.proto.v1.SessionStats;
import dev.gridqueue.proto.v1.Stats;
import dev.gridqueue.proto.v1.WorkerStats;
import io.grpc.ServerInterceptor;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingServerInterceptor;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The Prometheus endpoint ({@code GET /metrics}): the grid's figures under Work Queue's names with
 * a {@code gridqueue_} prefix, a line per session and per worker (at most {@link #MAX_SESSIONS} and
 * {@link #MAX_WORKERS}, the busiest first, so a grid of many short sessions cannot blow up the
 * series count), this node's gRPC calls and its JVM.
 */
public final class MetricsEndpoint implements AutoCloseable {
  /** Sessions given a labelled series: those with the most tasks waiting and running. */
  static final int MAX_SESSIONS = 50;

  /** Workers given a labelled series: those holding the most batches. */
  static final int MAX_WORKERS = 100;

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private volatile Stats figures = Stats.getDefaultInstance();
  private volatile double schedulerUp;
  private final MultiGauge sessionWaiting;
  private final MultiGauge sessionRunning;
  private final MultiGauge sessionDone;
  private final MultiGauge sessionDead;
  private final MultiGauge sessionWorkers;
  private final MultiGauge workerHeld;
  private final MultiGauge workerDone;
  private final MultiGauge workerFailed;
  private HttpEndpoint http;

  public MetricsEndpoint() {
    gauge("workers_connected", "workers in the grid", Stats::getWorkersConnected);
    gauge("workers_busy", "workers holding batches", Stats::getWorkersBusy);
    gauge("workers_idle", "workers holding nothing", Stats::getWorkersIdle);
    gauge("total_slots", "slots of all workers", Stats::getTotalSlots);
    gauge("tasks_waiting", "tasks queued", Stats::getTasksWaiting);
    gauge("tasks_running", "tasks on workers", Stats::getTasksRunning);
    gauge("tasks_done", "tasks ended with a result (scheduler's counter)", Stats::getTasksDone);
    gauge("tasks_failed", "tasks whose result carries an error", Stats::getTasksFailed);
    gauge("tasks_dead_lettered", "tasks ended without a result", Stats::getTasksDeadLettered);
    gauge("tasks_cancelled", "tasks cancelled by clients", Stats::getTasksCancelled);
    gauge(
        "tasks_fitting_no_worker",
        "tasks bigger than every connected worker",
        Stats::getTasksFittingNoWorker);
    gauge("batches_reconciled", "batches found by the census only", Stats::getBatchesReconciled);
    gauge("grid_nodes", "grid server nodes", Stats::getGridNodes);
    gauge("workers_joined", "workers that joined, since the grid started", Stats::getWorkersJoined);
    gauge("workers_removed", "workers that left, lost ones included", Stats::getWorkersRemoved);
    gauge("workers_lost", "workers whose node failed", Stats::getWorkersLost);
    gauge("workers_fast_aborted", "batches fast-aborted", Stats::getWorkersFastAborted);
    gauge("workers_blocklisted", "workers blocklisted for a session", Stats::getWorkersBlocklisted);
    gauge("tasks_submitted", "tasks accepted into the grid", Stats::getTasksSubmitted);
    gauge("tasks_dispatched", "tasks sent to workers, every attempt", Stats::getTasksDispatched);
    gauge("tasks_retried", "tasks queued again after a loss or abort", Stats::getTasksRetried);
    gauge("bytes_sent", "bytes of batches workers read", Stats::getBytesSent);
    gauge("bytes_received", "bytes of results workers wrote", Stats::getBytesReceived);
    gauge("time_send", "microseconds workers spent reading batches", Stats::getTimeSend);
    gauge("time_receive", "microseconds workers spent writing results", Stats::getTimeReceive);
    gauge(
        "time_workers_execute",
        "microseconds workers spent running tasks",
        Stats::getTimeWorkersExecute);
    gauge("capacity_tasks", "batches the grid can keep running at once", Stats::getCapacityTasks);
    gauge("capacity_cores", "cores those batches need", Stats::getCapacityCores);
    gauge("capacity_memory", "memory those batches need (MB)", Stats::getCapacityMemory);
    gauge("capacity_disk", "disk those batches need (MB)", Stats::getCapacityDisk);
    gauge("capacity_gpus", "GPUs those batches need", Stats::getCapacityGpus);
    gauge(
        "capacity_instantaneous",
        "capacity from the latest batch",
        Stats::getCapacityInstantaneous);
    gauge("capacity_weighted", "capacity weighted to recent batches", Stats::getCapacityWeighted);
    gauge("bandwidth", "MB/s moving batches and results", Stats::getBandwidth);
    gauge("sessions", "open sessions", Stats::getSessionsCount);
    gauge("total_cores", "cores offered by workers", s -> s.getTotal().getCores());
    gauge("committed_cores", "cores committed to batches", s -> s.getCommitted().getCores());
    gauge("total_memory", "memory offered by workers (MB)", s -> s.getTotal().getMemoryMb());
    gauge("committed_memory", "memory committed (MB)", s -> s.getCommitted().getMemoryMb());
    gauge("total_disk", "disk offered by workers (MB)", s -> s.getTotal().getDiskMb());
    gauge("committed_disk", "disk committed (MB)", s -> s.getCommitted().getDiskMb());
    gauge("total_gpus", "GPUs offered by workers", s -> s.getTotal().getGpus());
    gauge("committed_gpus", "GPUs committed", s -> s.getCommitted().getGpus());
    Gauge.builder("gridqueue.scheduler.up", this, m -> m.schedulerUp)
        .description("1 when the scheduler answered this node's last question")
        .register(registry);
    sessionWaiting = sessionGauge("tasks_waiting");
    sessionRunning = sessionGauge("tasks_running");
    sessionDone = sessionGauge("tasks_done");
    sessionDead = sessionGauge("tasks_dead_lettered");
    sessionWorkers = sessionGauge("workers");
    workerHeld = workerGauge("batches_held");
    workerDone = workerGauge("tasks_done");
    workerFailed = workerGauge("tasks_failed");
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** Counts this node's gRPC calls and messages ({@code grpc_server_*}). */
  public ServerInterceptor grpcInterceptor() {
    return new MetricCollectingServerInterceptor(registry);
  }

  /** Serves {@code /metrics} on {@code host:port}; returns the bound port. */
  public int serve(String host, int port) {
    http =
        HttpEndpoint.bind("metrics", host, port)
            .route(
                "/metrics",
                exchange ->
                    HttpEndpoint.send(
                        exchange,
                        200,
                        "text/plain; version=0.0.4; charset=utf-8",
                        registry.scrape()))
            .start();
    return http.port();
  }

  /** Takes the scheduler's latest answer (see {@link GridFiguresPoller#onFigures}). */
  public void onFigures(Optional<Stats> latest) {
    schedulerUp = latest.isPresent() ? 1 : 0;
    latest.ifPresent(this::update);
  }

  private void update(Stats s) {
    figures = s;
    List<SessionStats> sessions =
        s.getSessionsList().stream()
            .sorted(
                Comparator.comparingLong(
                        (SessionStats x) -> x.getTasksWaiting() + x.getTasksRunning())
                    .reversed())
            .limit(MAX_SESSIONS)
            .toList();
    sessionWaiting.register(sessionRows(sessions, SessionStats::getTasksWaiting), true);
    sessionRunning.register(sessionRows(sessions, SessionStats::getTasksRunning), true);
    sessionDone.register(sessionRows(sessions, SessionStats::getTasksDone), true);
    sessionDead.register(sessionRows(sessions, SessionStats::getTasksDeadLettered), true);
    sessionWorkers.register(sessionRows(sessions, SessionStats::getWorkers), true);
    List<WorkerStats> workers =
        s.getWorkersList().stream()
            .sorted(Comparator.comparingInt(WorkerStats::getBatchesHeld).reversed())
            .limit(MAX_WORKERS)
            .toList();
    workerHeld.register(workerRows(workers, WorkerStats::getBatchesHeld), true);
    workerDone.register(workerRows(workers, WorkerStats::getTasksDone), true);
    workerFailed.register(workerRows(workers, WorkerStats::getTasksFailed), true);
  }

  private void gauge(String name, String help, ToDoubleFunction<Stats> value) {
    Gauge.builder("gridqueue." + name.replace('_', '.'), this, m -> value.applyAsDouble(m.figures))
        .description(help)
        .register(registry);
  }

  private MultiGauge sessionGauge(String name) {
    return MultiGauge.builder("gridqueue.session." + name.replace('_', '.'))
        .description(name + " per session (the " + MAX_SESSIONS + " busiest sessions)")
        .register(registry);
  }

  private MultiGauge workerGauge(String name) {
    return MultiGauge.builder("gridqueue.worker." + name.replace('_', '.'))
        .description(name + " per worker (the " + MAX_WORKERS + " busiest workers)")
        .register(registry);
  }

  private static List<MultiGauge.Row<?>> sessionRows(
      List<SessionStats> sessions, ToDoubleFunction<SessionStats> value) {
    return sessions.stream()
        .<MultiGauge.Row<?>>map(
            x ->
                MultiGauge.Row.of(
                    Tags.of("session", x.getSessionId(), "app", x.getAppId()),
                    value.applyAsDouble(x)))
        .toList();
  }

  private static List<MultiGauge.Row<?>> workerRows(
      List<WorkerStats> workers, ToDoubleFunction<WorkerStats> value) {
    return workers.stream()
        .<MultiGauge.Row<?>>map(
            w ->
                MultiGauge.Row.of(
                    Tags.of("worker", w.getWorkerId(), "kind", w.getKind()),
                    value.applyAsDouble(w)))
        .toList();
  }

  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
    gc.close();
    registry.close();
  }
}
