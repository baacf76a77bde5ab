package dev.gridqueue.cli;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionUpdate;
import dev.gridqueue.proto.v1.Session;
import dev.gridqueue.proto.v1.SessionAttributes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gridqueue sessions update ID ...}: UpdateSession from the command line. Only the options
 * given change; {@code --block-host}/{@code --unblock-host} add to and remove from the session's
 * blocked hosts (Work Queue's {@code blacklist}/{@code blacklist_clear}), read just before. Prints
 * the session's attributes as they now are.
 */
@Command(
    name = "update",
    mixinStandardHelpOptions = true,
    description =
        "Change a running session's priority, min/max workers, preemptible, tags, max in flight,"
            + " idle timeout or blocked hosts (UpdateSession); the scheduler applies it at once.")
final class SessionsUpdateCommand implements Callable<Integer>, CliFailures.TalksToGrid {
  @Mixin GridConnection connection = new GridConnection();

  @Parameters(index = "0", paramLabel = "SESSION", description = "Session id.")
  String sessionId;

  @Option(names = "--priority", description = "Session priority 0-10.")
  Integer priority;

  @Option(names = "--min-workers", description = "Workers guaranteed while the session has work.")
  Integer minWorkers;

  @Option(names = "--max-workers", description = "Cap on workers bound to the session (0: none).")
  Integer maxWorkers;

  @Option(
      names = "--preemptible",
      arity = "1",
      paramLabel = "true|false",
      description = "Yield workers to higher-priority sessions after the current batch.")
  Boolean preemptible;

  @Option(
      names = "--tags",
      split = ",",
      description = "Replace the tags a worker must carry (--tags '' clears them).")
  List<String> tags;

  @Option(names = "--max-inflight", description = "Batches a worker may hold for the session.")
  Integer maxInflight;

  @Option(
      names = "--idle-timeout-s",
      description = "Close the session this long after its client went away (0: never).")
  Long idleTimeoutSeconds;

  @Option(
      names = "--block-host",
      paramLabel = "HOST",
      description = "Workers on this host (name or IP) take no more of the session's batches.")
  List<String> blockHosts = List.of();

  @Option(
      names = "--unblock-host",
      paramLabel = "HOST",
      description = "Workers on this host may serve the session again.")
  List<String> unblockHosts = List.of();

  @Override
  public GridConnection connection() {
    return connection;
  }

  @Override
  public Integer call() {
    try (GridQueueClient client = connection.connect()) {
      SessionUpdate.Builder update = SessionUpdate.newBuilder();
      if (priority != null) {
        update.priority(priority);
      }
      if (minWorkers != null) {
        update.minWorkers(minWorkers);
      }
      if (maxWorkers != null) {
        update.maxWorkers(maxWorkers);
      }
      if (preemptible != null) {
        update.preemptible(preemptible);
      }
      if (tags != null) {
        update.tags(tags.stream().filter(t -> !t.isEmpty()).toList());
      }
      if (maxInflight != null) {
        update.maxInflightBatchesPerWorker(maxInflight);
      }
      if (idleTimeoutSeconds != null) {
        update.idleTimeout(Duration.ofSeconds(idleTimeoutSeconds));
      }
      blockHosts.forEach(update::blockHost); // added to the grid's list as it is, atomically
      unblockHosts.forEach(update::unblockHost);
      Session session = client.updateSession(sessionId, update.build());
      print(session);
      return ExitCodes.OK;
    }
  }

  private static void print(Session session) {
    SessionAttributes a = session.getAttributes();
    System.out.printf(
        "session %s: priority %d, workers %d..%s, preemptible %s, max in flight %d, tags %s,"
            + " blocked hosts %s, idle timeout %s%n",
        session.getId(),
        a.getPriority(),
        a.getMinWorkers(),
        a.getMaxWorkers() == 0 ? "no cap" : Integer.toString(a.getMaxWorkers()),
        a.getPreemptible(),
        a.getMaxInflightBatchesPerWorker(),
        a.getTagsList(),
        a.getBlockedWorkerHostsList(),
        a.hasIdleTimeout() ? a.getIdleTimeout().getSeconds() + " s" : "server default");
  }
}
