package dev.gridqueue.cli;

import dev.gridqueue.cli.local.LocalGrid;
import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.GridQueueException;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gridqueue chaos}: grid server processes (three by default, backups 1) and several worker
 * processes on loopback; one session, given every server address, runs many small tasks while
 * worker processes and one grid server are killed with SIGKILL (each killed worker is replaced).
 * With {@code --no-kills} nothing is killed: the same run on a healthy grid. Prints how every task
 * ended and exits non-zero if a task was lost or reached the application twice.
 */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description =
        "Kill workers and a grid node (SIGKILL) during a run; check every task ends exactly once.")
final class ChaosCommand implements Callable<Integer> {
  @Option(names = "--servers", description = "Grid server processes (default: ${DEFAULT-VALUE}).")
  int servers = 3;

  @Option(
      names = "--no-kills",
      description =
          "Kill nothing: a run on a healthy grid (same as --worker-kills 0 --no-kill-grid-node).")
  boolean noKills;

  @Option(names = "--tasks", description = "Tasks to run (default: ${DEFAULT-VALUE}).")
  int tasks = 100_000;

  @Option(
      names = "--task-ms",
      description =
          "Work per task: milliseconds the built-in sleep app sleeps (default: ${DEFAULT-VALUE}).")
  int taskMillis = 5;

  @Option(names = "--batch-size", description = "Tasks per batch (default: ${DEFAULT-VALUE}).")
  int batchSize = 50;

  @Option(
      names = "--workers",
      description = "Worker processes running at once (default: ${DEFAULT-VALUE}).")
  int workers = 4;

  @Option(names = "--slots", description = "Slots per worker (default: ${DEFAULT-VALUE}).")
  int slots = 2;

  @Option(
      names = "--worker-kills",
      description = "Workers killed (and replaced) during the run (default: ${DEFAULT-VALUE}).")
  int workerKills = 3;

  // A plain flag, not a negatable --kill-grid-node defaulting to true: picocli sets a negatable
  // option's negated form to its default, so --no-kill-grid-node still killed a server.
  @Option(
      names = "--no-kill-grid-node",
      description = "Kill no grid server (by default one is killed during the run).")
  boolean spareGridNodes;

  @Option(
      names = "--grid-node",
      description = "Which grid server to kill, from 0 (default: chosen with the seed).")
  Integer gridNodeToKill;

  @Option(names = "--seed", description = "Seed of the kill plan (default: the current time).")
  Long seed;

  @Option(
      names = "--failure-detection-ms",
      description =
          "How long a silent node may take to be declared failed (default: ${DEFAULT-VALUE}). SIGKILLed nodes are"
              + " noticed at once (their sockets close); a short value lets a starved live node be declared failed on a busy machine.")
  long failureDetectionMs = 10_000;

  @Option(
      names = "--timeout-s",
      description =
          "Give up waiting for results after this many seconds (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds = 600;

  @Option(
      names = "--work-dir",
      description =
          "Logs and Ignite work files of the child processes (default: a new directory under the temp dir).")
  Path workDir;

  private final List<String> killLog = new CopyOnWriteArrayList<>();
  private long startNanos;

  @Override
  public Integer call() throws Exception {
    if (tasks < 1
        || workers < 1
        || workerKills < 0
        || taskMillis < 0
        || batchSize < 1
        || servers < 1) {
      System.err.println(
          "--tasks, --workers, --servers and --batch-size must be positive; --worker-kills and --task-ms not negative");
      return 2;
    }
    if (noKills) {
      workerKills = 0;
    }
    boolean killGridNode = killsAGridNode();
    if (killGridNode && servers < 2) {
      System.err.println(
          "killing a grid server needs --servers 2 or more (or --no-kill-grid-node)");
      return 2;
    }
    if (gridNodeToKill != null && (gridNodeToKill < 0 || gridNodeToKill >= servers)) {
      System.err.println("--grid-node must be between 0 and " + (servers - 1));
      return 2;
    }
    long planSeed = seed != null ? seed : System.nanoTime();
    Random random = new Random(planSeed);
    Path dir =
        workDir != null
            ? workDir
            : Path.of(
                System.getProperty("java.io.tmpdir"),
                "gridqueue-chaos-" + System.currentTimeMillis());
    // The plan: kills happen when this share of the tasks has ended.
    TreeMap<Integer, String> plan = new TreeMap<>();
    for (int i = 0; i < workerKills; i++) {
      plan.put(threshold(random), "worker");
    }
    int doomedServer = gridNodeToKill != null ? gridNodeToKill : random.nextInt(servers);
    if (killGridNode) {
      int at = threshold(random);
      while (plan.containsKey(at)) {
        at++;
      }
      plan.put(at, "server-" + doomedServer);
    }
    System.out.printf(
        "chaos: %,d tasks (sleep %d ms) on %d grid servers and %d workers x %d slots; seed %d; logs in %s%n",
        tasks, taskMillis, servers, workers, slots, planSeed, dir);
    LocalGrid.Options options =
        LocalGrid.Options.servers(servers)
            .withoutLocalWorkers()
            .withWorkers(workers, slots)
            .withApps("sleep")
            .withFailureDetection(failureDetectionMs);
    try (LocalGrid grid = LocalGrid.start(dir, options)) {
      List<String> addresses = grid.grpcAddresses();
      System.out.printf("grid up: gRPC on %s%n", String.join(", ", addresses));
      return run(grid, addresses, plan, random);
    }
  }

  /** A kill point between 15% and 75% of the run. */
  private int threshold(Random random) {
    return (int) (tasks * (0.15 + 0.6 * random.nextDouble()));
  }

  private int run(
      LocalGrid grid, List<String> addresses, TreeMap<Integer, String> plan, Random random)
      throws Exception {
    Map<String, Integer> received = new HashMap<>();
    int delivered = 0;
    int deadLettered = 0;
    int failed = 0;
    String failure = null;
    ExecutorService chaos = Executors.newSingleThreadExecutor();
    startNanos = System.nanoTime();
    long duplicatesDropped = 0;
    long failovers = 0;
    try (GridQueueClient client = GridQueueClient.connect(addresses)) {
      TaskSession session =
          client.openSession(
              SessionOptions.forApp("sleep")
                  .batchSize(batchSize)
                  .maxInflightBatchesPerWorker(4)
                  .build());
      Thread producer = new Thread(() -> submitAll(session), "chaos-producer");
      producer.setDaemon(true);
      producer.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      int ended = 0;
      try {
        while (true) {
          long left = deadline - System.nanoTime();
          TaskResult r =
              left > 0
                  ? session.poll(Duration.ofNanos(Math.min(left, TimeUnit.SECONDS.toNanos(5))))
                  : null;
          if (r == null) {
            if (System.nanoTime() >= deadline) {
              failure = "no more results within --timeout-s " + timeoutSeconds;
              break;
            }
            if (ended >= tasks) {
              break; // the session ended (poll returns null at once) or nothing more comes
            }
            continue;
          }
          if (received.merge(r.taskId(), 1, Integer::sum) > 1) {
            continue; // counted below as duplicated to the application
          }
          ended++;
          if (r.isDeadLetter()) {
            deadLettered++;
          } else if (r.succeeded()) {
            delivered++;
          } else {
            failed++;
          }
          while (!plan.isEmpty() && plan.firstKey() <= ended) {
            String target = plan.pollFirstEntry().getValue();
            int at = ended;
            chaos.execute(() -> kill(grid, target, at, random));
          }
        }
      } catch (GridQueueException e) {
        failure = e.getMessage();
      }
      duplicatesDropped = session.duplicatesDropped();
      failovers = session.failovers();
      try {
        session.close();
      } catch (GridQueueException e) {
        System.err.println("closing the session: " + e.getMessage());
      }
    } finally {
      chaos.shutdown();
      chaos.awaitTermination(60, TimeUnit.SECONDS);
    }
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    long lost = tasks - received.size();
    long duplicated = received.values().stream().filter(n -> n > 1).count();
    System.out.println();
    System.out.println("kills:");
    killLog.forEach(k -> System.out.println("  " + k));
    System.out.printf("submitted                              %,d%n", tasks);
    System.out.printf("delivered (results)                    %,d%n", delivered);
    System.out.printf("failed (results with an error)         %,d%n", failed);
    System.out.printf("dead-lettered                          %,d%n", deadLettered);
    System.out.printf("lost                                   %,d%n", lost);
    System.out.printf("duplicated to the application          %,d%n", duplicated);
    System.out.printf("server re-deliveries dropped by client %,d%n", duplicatesDropped);
    System.out.printf("client failovers                       %,d%n", failovers);
    System.out.printf(
        "duration                               %.1f s (%,.0f tasks/s)%n",
        seconds, received.size() / seconds);
    if (failure != null) {
      System.out.println("session failed: " + failure);
    }
    boolean ok = lost == 0 && duplicated == 0;
    System.out.println(
        ok ? "OK: every task ended exactly once" : "FAILED: tasks lost or duplicated");
    return ok ? 0 : 1;
  }

  private void submitAll(TaskSession session) {
    byte[] work = Integer.toString(taskMillis).getBytes(StandardCharsets.US_ASCII);
    try {
      for (int i = 0; i < tasks; i++) {
        session.submit("t" + i, work);
      }
      session.finishSending();
    } catch (RuntimeException e) {
      System.err.println("submitting failed: " + e);
    }
  }

  private void kill(LocalGrid grid, String target, int atTask, Random random) {
    try {
      String what;
      if (target.startsWith("server")) {
        grid.kill(target);
        what = "SIGKILL grid node " + target;
      } else {
        List<String> live = grid.liveWorkers();
        String victim = live.get(random.nextInt(live.size()));
        grid.kill(victim);
        what = "SIGKILL " + victim + ", replaced by " + grid.startWorker();
      }
      killLog.add(
          String.format(
              "%6.1f s  at %,d tasks ended: %s",
              (System.nanoTime() - startNanos) / 1e9, atTask, what));
    } catch (Exception e) {
      killLog.add("kill of " + target + " failed: " + e);
    }
  }

  /**
   * Whether the run kills a grid server: unless {@code --no-kills} or {@code --no-kill-grid-node}.
   */
  boolean killsAGridNode() {
    return !noKills && !spareGridNodes;
  }
}
