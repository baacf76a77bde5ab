package dev.gridqueue.cli.local;

import dev.gridqueue.grid.FreePorts;
import dev.gridqueue.grid.LocalGridPorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A grid on this machine made of real processes, as users run it: {@code gridqueue server}
 * processes (one discovery range, backups) and {@code gridqueue worker} processes, on private
 * loopback ports, each logging to {@code <dir>/<name>.log}. Used by {@code chaos}, {@code soak},
 * the load driver and the tests of several servers. Everything it started is killed on close.
 */
public final class LocalGrid implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  /** What to start. */
  public record Options(
      int servers,
      int backups,
      boolean localWorkers,
      int localWorkerSlots,
      int workers,
      int workerSlots,
      String apps,
      long failureDetectionMillis,
      String javaOpts) {
    /**
     * {@code servers} servers with backups 1, each with a local worker of 2 slots; no worker
     * processes.
     */
    public static Options servers(int servers) {
      return new Options(
          servers, 1, true, 2, 0, 2, null, 10_000, "-Xms64m -Xmx384m -XX:+UseSerialGC");
    }

    public Options withWorkers(int count, int slots) {
      return new Options(
          servers,
          backups,
          localWorkers,
          localWorkerSlots,
          count,
          slots,
          apps,
          failureDetectionMillis,
          javaOpts);
    }

    public Options withoutLocalWorkers() {
      return new Options(
          servers,
          backups,
          false,
          localWorkerSlots,
          workers,
          workerSlots,
          apps,
          failureDetectionMillis,
          javaOpts);
    }

    public Options withLocalWorkerSlots(int slots) {
      return new Options(
          servers,
          backups,
          localWorkers,
          slots,
          workers,
          workerSlots,
          apps,
          failureDetectionMillis,
          javaOpts);
    }

    /** Workers serve only these apps (comma separated); null: every handler they have. */
    public Options withApps(String apps) {
      return new Options(
          servers,
          backups,
          localWorkers,
          localWorkerSlots,
          workers,
          workerSlots,
          apps,
          failureDetectionMillis,
          javaOpts);
    }

    public Options withBackups(int backups) {
      return new Options(
          servers,
          backups,
          localWorkers,
          localWorkerSlots,
          workers,
          workerSlots,
          apps,
          failureDetectionMillis,
          javaOpts);
    }

    public Options withFailureDetection(long millis) {
      return new Options(
          servers,
          backups,
          localWorkers,
          localWorkerSlots,
          workers,
          workerSlots,
          apps,
          millis,
          javaOpts);
    }

    public Options withJavaOpts(String javaOpts) {
      return new Options(
          servers,
          backups,
          localWorkers,
          localWorkerSlots,
          workers,
          workerSlots,
          apps,
          failureDetectionMillis,
          javaOpts);
    }
  }

  private final Options options;
  private final Path dir;
  private final ChildProcesses children;
  private final LocalGridPorts ports = LocalGridPorts.allocate();
  private final List<String> addresses = new ArrayList<>();
  private final List<String> liveWorkers = new ArrayList<>();
  private int workerCounter;

  private LocalGrid(Options options, Path dir) throws Exception {
    this.options = options;
    this.dir = dir;
    this.children = new ChildProcesses(dir, options.javaOpts());
  }

  /** Starts the grid and returns once every server serves gRPC and every worker has joined. */
  public static LocalGrid start(Path dir, Options options) throws Exception {
    LocalGrid grid = new LocalGrid(options, dir);
    try {
      grid.startAll();
    } catch (Exception | Error e) {
      grid.close();
      throw e;
    }
    return grid;
  }

  private void startAll() throws Exception {
    for (int i = 0; i < options.servers(); i++) {
      int grpcPort = FreePorts.any();
      List<String> args =
          new ArrayList<>(
              List.of(
                  "server",
                  "--port",
                  Integer.toString(grpcPort),
                  "--grpc-host",
                  "127.0.0.1",
                  "--discovery-port",
                  Integer.toString(ports.discoveryPort()),
                  "--grid",
                  ports.seedAddress(),
                  "--communication-port",
                  Integer.toString(FreePorts.findRange(100)),
                  "--backups",
                  Integer.toString(options.backups()),
                  "--failure-detection-ms",
                  Long.toString(options.failureDetectionMillis()),
                  "--work-dir",
                  dir.resolve("ignite").toString(),
                  "--data-region-mb",
                  "256"));
      if (options.localWorkers()) {
        args.addAll(
            List.of(
                "--slots",
                Integer.toString(options.localWorkerSlots()),
                "--worker-id",
                "server-" + i + "-worker"));
        if (options.apps() != null) {
          args.addAll(List.of("--apps", options.apps()));
        }
      } else {
        args.add("--no-local-worker");
      }
      children.start("server-" + i, args);
      addresses.add("127.0.0.1:" + grpcPort);
      if (i == 0) {
        // the first server is the oldest node: the scheduler singleton starts there
        children.awaitLog("server-0", "gridqueue server up", START_TIMEOUT);
      }
    }
    for (int i = 1; i < options.servers(); i++) {
      children.awaitLog("server-" + i, "gridqueue server up", START_TIMEOUT);
    }
    List<String> started = new ArrayList<>();
    for (int i = 0; i < options.workers(); i++) {
      started.add(startWorker());
    }
    for (String w : started) {
      children.awaitLog(w, "joined the grid", START_TIMEOUT);
    }
  }

  /** Starts one more worker process and returns its name (it joins in the background). */
  public String startWorker() throws Exception {
    String name;
    synchronized (liveWorkers) {
      name = "worker-" + (++workerCounter);
      liveWorkers.add(name);
    }
    List<String> args =
        new ArrayList<>(
            List.of(
                "worker",
                "--grid",
                ports.seedAddress(),
                "--communication-port",
                Integer.toString(FreePorts.findRange(100)),
                "--failure-detection-ms",
                Long.toString(options.failureDetectionMillis()),
                "--work-dir",
                dir.resolve("ignite").toString(),
                "--slots",
                Integer.toString(options.workerSlots()),
                "--worker-id",
                name + "-" + ProcessHandle.current().pid()));
    if (options.apps() != null) {
      args.addAll(List.of("--apps", options.apps()));
    }
    children.start(name, args);
    return name;
  }

  /** gRPC addresses of the servers, in start order ("127.0.0.1:port"). */
  public List<String> grpcAddresses() {
    return List.copyOf(addresses);
  }

  /** Discovery addresses to join this grid ("127.0.0.1:from..to"). */
  public String seedAddress() {
    return ports.seedAddress();
  }

  /** Worker processes started and not killed, oldest first. */
  public List<String> liveWorkers() {
    synchronized (liveWorkers) {
      return List.copyOf(liveWorkers);
    }
  }

  /** SIGKILLs a server ("server-0", ...) or worker ("worker-1", ...) and waits until it is gone. */
  public void kill(String name) throws InterruptedException {
    synchronized (liveWorkers) {
      liveWorkers.remove(name);
    }
    children.kill(name);
  }

  public Path logOf(String name) {
    return children.log(name);
  }

  public Path dir() {
    return dir;
  }

  @Override
  public void close() throws InterruptedException {
    children.close();
  }
}
