package dev.gridqueue.cli;

import dev.gridqueue.cli.local.LocalGrid;
import dev.gridqueue.cli.local.SessionRun;
import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.GridQueueException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gridqueue soak}: many short sessions back to back on a grid of real processes, with no
 * fault, checking that every one completes. Each client (a thread with its own connection, to
 * server {@code i % servers}) runs sessions one after another; a session that stops making progress
 * is reported with what the grid still holds for it. Exits 1 if any session did not complete.
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description =
        "Run short sessions back to back on a local grid of processes; report every one that does not complete.")
final class SoakCommand implements Callable<Integer> {
  @Option(
      names = "--servers",
      description = "Grid server processes, each with a local worker (default: ${DEFAULT-VALUE}).")
  int servers = 1;

  @Option(
      names = "--workers",
      description =
          "Worker processes besides the servers' local workers (default: ${DEFAULT-VALUE}).")
  int workers = 0;

  @Option(names = "--minutes", description = "How long to run (default: ${DEFAULT-VALUE}).")
  double minutes = 5;

  @Option(
      names = "--sessions",
      description = "Stop after this many sessions instead (default: run for --minutes).")
  Integer sessions;

  @Option(
      names = "--clients",
      description = "Clients running sessions at once (default: ${DEFAULT-VALUE}).")
  int clients = 2;

  @Option(names = "--tasks", description = "Echo tasks per session (default: ${DEFAULT-VALUE}).")
  int tasks = 2_000;

  @Option(names = "--batch-size", description = "Tasks per batch (default: ${DEFAULT-VALUE}).")
  int batchSize = 100;

  @Option(names = "--payload", description = "Bytes per task (default: ${DEFAULT-VALUE}).")
  int payloadBytes = 16;

  @Option(
      names = "--stall-s",
      description =
          "A session with no task ending for this long is incomplete (default: ${DEFAULT-VALUE}).")
  int stallSeconds = 60;

  @Option(
      names = "--work-dir",
      description =
          "Logs and Ignite work files of the processes (default: a new directory under the temp dir).")
  Path workDir;

  private final List<SessionRun.Outcome> incomplete = new CopyOnWriteArrayList<>();
  private final AtomicLong sessionsRun = new AtomicLong();
  private final AtomicLong tasksEnded = new AtomicLong();

  @Override
  public Integer call() throws Exception {
    if (servers < 1
        || clients < 1
        || tasks < 1
        || batchSize < 1
        || minutes <= 0
        || stallSeconds < 1
        || workers < 0
        || payloadBytes < 0
        || (sessions != null && sessions < 1)) {
      System.err.println(
          "--servers, --clients, --tasks, --batch-size, --minutes, --stall-s and --sessions must be positive");
      return 2;
    }
    Path dir =
        workDir != null
            ? workDir
            : Path.of(
                System.getProperty("java.io.tmpdir"),
                "gridqueue-soak-" + System.currentTimeMillis());
    System.out.printf(
        "soak: %d grid server(s) with local workers%s, %d clients, sessions of %,d echo tasks in batches of %,d, %s; logs in %s%n",
        servers,
        workers > 0 ? " and " + workers + " worker process(es)" : "",
        clients,
        tasks,
        batchSize,
        sessions != null
            ? String.format("%,d sessions", sessions)
            : String.format("for %.1f min", minutes),
        dir);
    LocalGrid.Options options =
        LocalGrid.Options.servers(servers).withWorkers(workers, 2).withApps("echo");
    try (LocalGrid grid = LocalGrid.start(dir, options)) {
      return run(grid);
    }
  }

  private int run(LocalGrid grid) throws Exception {
    List<String> addresses = grid.grpcAddresses();
    long start = System.nanoTime();
    long deadline = start + (long) (minutes * 60e9);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    for (int c = 0; c < clients; c++) {
      String address = addresses.get(c % addresses.size());
      Thread t =
          new Thread(
              () -> {
                try (GridQueueClient client = GridQueueClient.connect(List.of(address))) {
                  byte[] payload = new byte[payloadBytes];
                  while (System.nanoTime() < deadline
                      && (sessions == null || sessionsRun.getAndIncrement() < sessions)) {
                    if (sessions == null) {
                      sessionsRun.incrementAndGet();
                    }
                    SessionRun.Outcome o =
                        SessionRun.run(
                            client,
                            address,
                            "echo",
                            tasks,
                            batchSize,
                            payload,
                            Duration.ofSeconds(stallSeconds));
                    tasksEnded.addAndGet(o.ended());
                    if (!o.complete()) {
                      incomplete.add(o);
                      System.out.println("INCOMPLETE " + o.describe());
                    }
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                  failures.add(e);
                }
              },
              "soak-client-" + c);
      t.start();
      threads.add(t);
    }
    long nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (Thread t : threads) {
      while (t.isAlive()) {
        t.join(1000);
        if (System.nanoTime() > nextProgress) {
          nextProgress += TimeUnit.SECONDS.toNanos(30);
          System.out.printf(
              "  %4.0f s: %,d sessions, %,d tasks ended, %d incomplete%n",
              (System.nanoTime() - start) / 1e9,
              completedSessions(),
              tasksEnded.get(),
              incomplete.size());
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long reconciled = reconciled(addresses.get(0));
    System.out.println();
    System.out.printf("servers                  %d%n", servers);
    System.out.printf("sessions                 %,d%n", completedSessions());
    System.out.printf("tasks ended              %,d%n", tasksEnded.get());
    System.out.printf("incomplete sessions      %,d%n", incomplete.size());
    System.out.printf(
        "batches reconciled       %s (queued batches the scheduler found only by its grid census)%n",
        reconciled < 0 ? "unknown" : String.format("%,d", reconciled));
    System.out.printf(
        "duration                 %.0f s (%,.0f tasks/s)%n", seconds, tasksEnded.get() / seconds);
    failures.forEach(f -> System.out.println("client failed: " + f));
    incomplete.forEach(o -> System.out.println("INCOMPLETE " + o.describe()));
    boolean ok = incomplete.isEmpty() && failures.isEmpty();
    System.out.println(ok ? "OK: every session completed" : "FAILED: sessions did not complete");
    return ok ? 0 : 1;
  }

  private long completedSessions() {
    long n = sessionsRun.get();
    return sessions == null ? n : Math.min(n, sessions);
  }

  private static long reconciled(String address) {
    try (GridQueueClient client = GridQueueClient.connect(List.of(address))) {
      return client.stats().getBatchesReconciled();
    } catch (GridQueueException e) {
      return -1;
    }
  }
}
