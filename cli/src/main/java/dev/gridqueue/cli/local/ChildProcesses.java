package dev.gridqueue.cli.local;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Grid nodes run as child processes of this one, each logging to {@code <dir>/<name>.log}: through
 * the {@code gridqueue} launcher when this JVM was started by it (system property {@code
 * gridqueue.launcher}), else with this JVM's java, classpath and Ignite flags. Killed on close.
 */
public final class ChildProcesses implements AutoCloseable {
  private final Path dir;
  private final String javaOpts;
  private final Map<String, Process> processes = new ConcurrentHashMap<>();

  /**
   * Set once the children are being killed. Starting and killing hold the same lock: without it, a
   * signal arriving while the main thread is between spawning a child and registering it left that
   * child running as an orphan (LocalGridStopIT, now and then on a loaded machine); a start after
   * the kill is refused.
   */
  private boolean killed;

  /**
   * Kills the children when this JVM is stopped by a signal (SIGTERM, or Ctrl+C sent to this
   * process alone): a signal runs shutdown hooks but not the {@code finally} that would call {@link
   * #close()}, and the children would go on running as orphans.
   */
  private final Thread killOnExit = new Thread(this::destroyAll, "gridqueue-kill-children");

  public ChildProcesses(Path dir, String javaOpts) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.javaOpts = javaOpts;
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /**
   * Starts {@code gridqueue <args>} as {@code name}; refused once the children are being killed.
   */
  public synchronized Process start(String name, List<String> args) throws IOException {
    if (killed) {
      throw new IllegalStateException("stopping: " + name + " not started");
    }
    List<String> command = new ArrayList<>();
    String launcher = System.getProperty("gridqueue.launcher");
    if (launcher != null && Files.isExecutable(Path.of(launcher))) {
      command.add(launcher);
    } else {
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(igniteJvmFlags());
      command.addAll(List.of(javaOpts.split(" ")));
      command.addAll(
          List.of("-cp", System.getProperty("java.class.path"), "dev.gridqueue.cli.Main"));
    }
    command.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log(name).toFile());
    pb.environment().put("GRIDQUEUE_NO_BUILD", "1");
    pb.environment().put("JAVA_OPTS", javaOpts);
    Process p = pb.start();
    processes.put(name, p);
    return p;
  }

  public Path log(String name) {
    return dir.resolve(name + ".log");
  }

  public String logOf(String name) {
    try {
      Path log = log(name);
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** Waits until {@code name}'s log shows {@code text}; fails if it exits or the time is up. */
  public void awaitLog(String name, String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!logOf(name).contains(text)) {
      Process p = processes.get(name);
      if (p != null && !p.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + p.exitValue() + "; see " + log(name));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            name + " did not log '" + text + "' within " + timeout + "; see " + log(name));
      }
      Thread.sleep(100);
    }
  }

  /** SIGKILL ({@link Process#destroyForcibly()} on Linux), and waits for the process to be gone. */
  public void kill(String name) throws InterruptedException {
    Process p = processes.get(name);
    if (p != null) {
      p.destroyForcibly().waitFor();
    }
  }

  /** Whether {@code name} runs. */
  public boolean isAlive(String name) {
    Process p = processes.get(name);
    return p != null && p.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to: it kills them too
    }
    destroyAll();
    for (Process p : processes.values()) {
      p.waitFor();
    }
  }

  private synchronized void destroyAll() {
    killed = true;
    for (Process p : processes.values()) {
      p.destroyForcibly();
    }
  }

  /** The flags this JVM was started with that Ignite needs (--add-opens and -D settings). */
  private static List<String> igniteJvmFlags() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(
            a ->
                a.startsWith("--add-opens")
                    || a.startsWith("-DIGNITE")
                    || a.startsWith("-Djava.net"))
        .toList();
  }
}
