package dev.gridqueue.cli;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.proto.v1.Resources;
import dev.gridqueue.proto.v1.SessionStats;
import dev.gridqueue.proto.v1.Stats;
import dev.gridqueue.proto.v1.WorkerStats;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gridqueue status}: the grid's live figures, once or every few seconds. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show workers, tasks and sessions of a running grid.")
final class StatusCommand implements Callable<Integer>, CliFailures.TalksToGrid {
  @Mixin GridConnection connection = new GridConnection();

  @Option(names = "--session", description = "Only this session's line.")
  String session;

  @Option(names = "--watch", description = "Print again every N seconds until interrupted.")
  Integer watchSeconds;

  @Option(
      names = "--json",
      description =
          "Print the figures as JSON (the GetStats message, proto3 JSON names), one object a line.")
  boolean json;

  @Option(
      names = "--categories",
      description =
          "Also show, per session and category: tasks measured, measured peaks, current first"
              + " allocation.")
  boolean categories;

  @Override
  public GridConnection connection() {
    return connection;
  }

  @Override
  public Integer call() throws Exception {
    try (GridQueueClient client = connection.connect()) {
      do {
        Stats stats = session == null ? client.stats() : client.stats(session);
        if (json) {
          System.out.println(Json.of(stats));
        } else {
          print(stats, System.out);
          if (categories) {
            CategoriesTable.print(stats, System.out);
          }
        }
        System.out.flush();
        if (watchSeconds != null) {
          Thread.sleep(TimeUnit.SECONDS.toMillis(watchSeconds)); // the user asked for this pace
        }
      } while (watchSeconds != null);
      return ExitCodes.OK;
    }
  }

  static void print(Stats s, PrintStream out) {
    out.printf(
        "grid: %d node(s); workers %d connected, %d busy, %d idle, %d slots%n",
        s.getGridNodes(),
        s.getWorkersConnected(),
        s.getWorkersBusy(),
        s.getWorkersIdle(),
        s.getTotalSlots());
    out.printf(
        "tasks: %,d waiting, %,d running, %,d done, %,d failed, %,d dead-lettered (%,d cancelled), %,d fitting no worker%n",
        s.getTasksWaiting(),
        s.getTasksRunning(),
        s.getTasksDone(),
        s.getTasksFailed(),
        s.getTasksDeadLettered(),
        s.getTasksCancelled(),
        s.getTasksFittingNoWorker());
    out.printf("resources: committed / total  %s%n", resources(s.getCommitted(), s.getTotal()));
    out.printf(
        "since start: workers %,d joined, %,d removed (%,d lost), %,d fast-aborted, %,d blocklisted;"
            + " tasks %,d submitted, %,d dispatched, %,d retried%n",
        s.getWorkersJoined(),
        s.getWorkersRemoved(),
        s.getWorkersLost(),
        s.getWorkersFastAborted(),
        s.getWorkersBlocklisted(),
        s.getTasksSubmitted(),
        s.getTasksDispatched(),
        s.getTasksRetried());
    out.printf(
        "transfer: %,d bytes sent in %.3f s, %,d bytes received in %.3f s (%.1f MB/s);"
            + " tasks ran %.3f s%n",
        s.getBytesSent(),
        s.getTimeSend() / 1e6,
        s.getBytesReceived(),
        s.getTimeReceive() / 1e6,
        s.getBandwidth(),
        s.getTimeWorkersExecute() / 1e6);
    out.printf(
        "capacity: %,d tasks, %,d cores, %,d MB memory, %,d MB disk, %,d gpus"
            + " (instantaneous %,d, weighted %,d)%n",
        s.getCapacityTasks(),
        s.getCapacityCores(),
        s.getCapacityMemory(),
        s.getCapacityDisk(),
        s.getCapacityGpus(),
        s.getCapacityInstantaneous(),
        s.getCapacityWeighted());
    if (s.getSessionsCount() > 0) {
      out.printf(
          "%n%-36s %-10s %4s %3s %9s %7s %9s %9s %11s %7s %6s %6s%n",
          "SESSION", "APP", "PRIO", "PRE", "MIN/MAX", "WORKERS", "WAITING", "RUNNING", "DONE",
          "FAILED", "DEAD", "NOFIT");
      for (SessionStats x : s.getSessionsList()) {
        out.printf(
            "%-36s %-10s %4d %3s %9s %7d %,9d %,9d %,11d %,7d %,6d %,6d%n",
            x.getSessionId(),
            x.getAppId(),
            x.getPriority(),
            x.getPreemptible() ? "yes" : "no",
            x.getMinWorkers()
                + "/"
                + (x.getMaxWorkers() == 0 ? "-" : String.valueOf(x.getMaxWorkers())),
            x.getWorkers(),
            x.getTasksWaiting(),
            x.getTasksRunning(),
            x.getTasksDone(),
            x.getTasksFailed(),
            x.getTasksDeadLettered(),
            x.getTasksFittingNoWorker());
      }
    }
    if (s.getWorkersCount() > 0) {
      out.printf(
          "%n%-22s %-4s %5s %5s %10s %7s  %-34s %s%n",
          "WORKER",
          "KIND",
          "SLOTS",
          "HELD",
          "DONE",
          "FAILED",
          "COMMITTED/TOTAL",
          "APPS; TAGS; BOUND SESSIONS");
      for (WorkerStats w : s.getWorkersList()) {
        out.printf(
            "%-22s %-4s %5d %5d %,10d %,7d  %-34s %s; %s; %s%n",
            w.getWorkerId(),
            w.getKind(),
            w.getSlots(),
            w.getBatchesHeld(),
            w.getTasksDone(),
            w.getTasksFailed(),
            resources(w.getCommitted(), w.getTotal()),
            String.join(",", w.getAppIdsList()),
            String.join(",", w.getTagsList()),
            String.join(",", w.getBoundSessionsList()));
      }
    }
  }

  private static String resources(Resources committed, Resources total) {
    return String.format(
        "cores %d/%d mem %d/%dMB disk %d/%dMB gpus %d/%d",
        committed.getCores(),
        total.getCores(),
        committed.getMemoryMb(),
        total.getMemoryMb(),
        committed.getDiskMb(),
        total.getDiskMb(),
        committed.getGpus(),
        total.getGpus());
  }
}
