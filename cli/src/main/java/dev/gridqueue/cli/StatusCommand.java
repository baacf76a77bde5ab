package dev.gridqueue.cli;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.proto.v1.SessionStats;
import dev.gridqueue.proto.v1.Stats;
import dev.gridqueue.proto.v1.WorkerStats;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gridqueue status}: the grid's live figures, once or every few seconds. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show workers, tasks and sessions of a running grid.")
final class StatusCommand implements Callable<Integer> {
  @Option(names = "--server", description = "gRPC address of a grid node (default: ${DEFAULT-VALUE}).")
  String server = "localhost:1337";

  @Option(names = "--session", description = "Only this session's line.")
  String session;

  @Option(names = "--watch", description = "Print again every N seconds until interrupted.")
  Integer watchSeconds;

  @Override
  public Integer call() throws Exception {
    String[] hostPort = server.split(":");
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(hostPort[0], Integer.parseInt(hostPort[1])).usePlaintext().build();
    try {
      GridQueueClient client = new GridQueueClient(channel);
      do {
        print(session == null ? client.stats() : client.stats(session), System.out);
        if (watchSeconds != null) {
          Thread.sleep(TimeUnit.SECONDS.toMillis(watchSeconds)); // the user asked for this pace
        }
      } while (watchSeconds != null);
      return 0;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  static void print(Stats s, PrintStream out) {
    out.printf(
        "grid: %d node(s); workers %d connected, %d busy, %d idle, %d slots%n",
        s.getGridNodes(), s.getWorkersConnected(), s.getWorkersBusy(), s.getWorkersIdle(), s.getTotalSlots());
    out.printf(
        "tasks: %,d waiting, %,d running, %,d done, %,d failed%n",
        s.getTasksWaiting(), s.getTasksRunning(), s.getTasksDone(), s.getTasksFailed());
    if (s.getSessionsCount() > 0) {
      out.printf("%n%-36s %-14s %4s %7s %10s %10s %12s %8s%n", "SESSION", "APP", "PRIO", "WORKERS", "WAITING", "RUNNING", "DONE", "FAILED");
      for (SessionStats x : s.getSessionsList()) {
        out.printf("%-36s %-14s %4d %7d %,10d %,10d %,12d %,8d%n", x.getSessionId(), x.getAppId(), x.getPriority(),
            x.getWorkers(), x.getTasksWaiting(), x.getTasksRunning(), x.getTasksDone(), x.getTasksFailed());
      }
    }
    if (s.getWorkersCount() > 0) {
      out.printf("%n%-28s %5s %6s %12s %8s  %s%n", "WORKER", "SLOTS", "HELD", "DONE", "FAILED", "APPS");
      for (WorkerStats w : s.getWorkersList()) {
        out.printf("%-28s %5d %6d %,12d %,8d  %s%n", w.getWorkerId(), w.getSlots(), w.getBatchesHeld(),
            w.getTasksDone(), w.getTasksFailed(), String.join(",", w.getAppIdsList()));
      }
    }
  }
}
