package dev.gridqueue.cli;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.proto.v1.SessionStats;
import dev.gridqueue.proto.v1.Stats;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gridqueue sessions list|update|close|cancel}: the grid's open sessions, for operators. */
@Command(
    name = "sessions",
    mixinStandardHelpOptions = true,
    description = "List, update, close or cancel the tasks of sessions on a running grid.",
    subcommands = {
      SessionsCommand.ListSessions.class,
      SessionsUpdateCommand.class,
      SessionsCommand.CloseSessions.class,
      SessionsCommand.CancelTasks.class
    })
final class SessionsCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "One line per open session: app, priority, tasks by state, workers.")
  static final class ListSessions implements Callable<Integer>, CliFailures.TalksToGrid {
    @Mixin GridConnection connection = new GridConnection();

    @Option(names = "--json", description = "One JSON object (SessionStats) a line.")
    boolean json;

    @Override
    public GridConnection connection() {
      return connection;
    }

    @Override
    public Integer call() {
      try (GridQueueClient client = connection.connect()) {
        Stats stats = client.stats();
        if (json) {
          stats.getSessionsList().forEach(s -> System.out.println(Json.of(s)));
          return ExitCodes.OK;
        }
        if (stats.getSessionsCount() == 0) {
          System.out.println("no open session");
          return ExitCodes.OK;
        }
        System.out.printf(
            "%-36s %-12s %4s %9s %9s %11s %7s %6s %7s%n",
            "SESSION", "APP", "PRIO", "WAITING", "RUNNING", "DONE", "FAILED", "DEAD", "WORKERS");
        for (SessionStats s : stats.getSessionsList()) {
          System.out.printf(
              "%-36s %-12s %4d %,9d %,9d %,11d %,7d %,6d %7d%n",
              s.getSessionId(),
              s.getAppId(),
              s.getPriority(),
              s.getTasksWaiting(),
              s.getTasksRunning(),
              s.getTasksDone(),
              s.getTasksFailed(),
              s.getTasksDeadLettered(),
              s.getWorkers());
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(
      name = "close",
      mixinStandardHelpOptions = true,
      description =
          "Close sessions: their queued tasks and undelivered results are dropped (CloseSession).")
  static final class CloseSessions implements Callable<Integer>, CliFailures.TalksToGrid {
    @Mixin GridConnection connection = new GridConnection();

    @Parameters(arity = "1..*", paramLabel = "SESSION", description = "Session ids.")
    List<String> sessionIds;

    @Override
    public GridConnection connection() {
      return connection;
    }

    @Override
    public Integer call() {
      try (GridQueueClient client = connection.connect()) {
        for (String id : sessionIds) {
          client.closeSession(id);
          System.out.println("closed session " + id);
        }
        return ExitCodes.OK;
      }
    }
  }

  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description =
          "Cancel a session's tasks (CancelTasks): all of them, or those given by id or tag."
              + " Tasks not started never run; running ones are stopped. Each ends as a dead"
              + " letter.")
  static final class CancelTasks implements Callable<Integer>, CliFailures.TalksToGrid {
    @Mixin GridConnection connection = new GridConnection();

    @Parameters(index = "0", paramLabel = "SESSION", description = "Session id.")
    String sessionId;

    @Option(names = "--task", split = ",", description = "Only these task ids.")
    List<String> taskIds = List.of();

    @Option(names = "--tag", split = ",", description = "Only tasks with these tags.")
    List<String> tags = List.of();

    @Override
    public GridConnection connection() {
      return connection;
    }

    @Override
    public Integer call() {
      boolean all = taskIds.isEmpty() && tags.isEmpty();
      try (GridQueueClient client = connection.connect()) {
        int accepted = client.cancel(sessionId, taskIds, tags, all);
        System.out.println(
            all
                ? "cancelled every task of session " + sessionId + " (running ones are stopped)"
                : "cancel accepted for " + accepted + " task id(s) and tag(s) of " + sessionId);
        return ExitCodes.OK;
      }
    }
  }
}
