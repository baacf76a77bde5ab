package dev.gridqueue.benchmarks.load;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Worker JVMs started from this jar's classpath ({@code gridqueue worker}), killed on close. */
final class WorkerProcesses implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();

  static WorkerProcesses start(int count, String seedAddress, Path workDir, int slots)
      throws IOException {
    WorkerProcesses workers = new WorkerProcesses();
    for (int i = 0; i < count; i++) {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(igniteJvmFlags());
      command.addAll(
          List.of("-Xms128m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=4"));
      command.addAll(
          List.of(
              "-cp", System.getProperty("java.class.path"), "dev.gridqueue.cli.Main", "worker"));
      command.addAll(
          List.of("--grid", seedAddress, "--slots", Integer.toString(slots), "--apps", "echo"));
      command.addAll(List.of("--work-dir", workDir.toString(), "--worker-id", "bench-worker-" + i));
      File log = workDir.resolve("bench-worker-" + i + ".log").toFile();
      log.getParentFile().mkdirs();
      workers.processes.add(
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start());
    }
    return workers;
  }

  /** The flags this JVM was started with that Ignite needs (--add-opens and -D settings). */
  static List<String> igniteJvmFlags() {
    List<String> flags =
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(
                a ->
                    a.startsWith("--add-opens")
                        || a.startsWith("-DIGNITE")
                        || a.startsWith("-Djava.net"))
            .toList();
    if (flags.stream().noneMatch(a -> a.startsWith("--add-opens"))) {
      throw new IllegalStateException(
          "start the load driver with the Ignite JVM flags (./gridqueue bench does)");
    }
    return flags;
  }

  boolean allAlive() {
    return processes.stream().allMatch(Process::isAlive);
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
      }
    }
  }
}
