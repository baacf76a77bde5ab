package dev.gridqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.grid.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The distribution {@code mvn package} builds: the tar.gz runs on its own, and the source-tree
 * launcher never rebuilds it under a running gridqueue process.
 */
class DistributionIT {
  private static final String VERSION = "0.1.0-SNAPSHOT";
  private static final Path ARCHIVE = Path.of("target", "gridqueue-" + VERSION + ".tar.gz");
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void shouldRunTheDemoFromTheUnpackedArchiveWithoutSourcesOrMaven() throws Exception {
    // given: the archive unpacked in a directory of its own, run with an environment that has
    // only the system's tools and a JDK: no Maven, no class path, no source tree
    Path dir = Files.createDirectories(Path.of("target", "distribution-it", uuid()));
    Path out = dir.resolve("out.txt");
    assertThat(run(dir, Map.of(), out, "tar", "xzf", ARCHIVE.toAbsolutePath().toString())).isZero();
    Path home = dir.resolve("gridqueue-" + VERSION).toAbsolutePath();
    assertThat(home.resolve("bin/gridqueue")).isExecutable();
    assertThat(Files.readString(home.resolve("conf/jvm.flags"))).contains("--add-opens=");

    // when
    int exit =
        run(
            dir,
            Map.of(
                "PATH",
                "/usr/bin:/bin",
                "HOME",
                dir.toAbsolutePath().toString(),
                "JAVA_HOME",
                System.getProperty("java.home"),
                "JAVA_OPTS",
                "-Xms128m -Xmx512m -XX:+UseSerialGC"),
            out,
            home.resolve("bin/gridqueue").toString(),
            "demo",
            "--tasks",
            "20",
            "--samples",
            "1000");

    // then
    String output = Files.readString(out);
    assertThat(exit).as(output).isZero();
    assertThat(output).contains("20 tasks in").doesNotContain("building");
  }

  @Test
  void shouldRefuseToRebuildWhileAGridqueueProcessRunsFromTheDistribution() throws Exception {
    // given: a worker started through ./gridqueue, waiting for a grid that is not there
    Path dir = Files.createDirectories(Path.of("target", "distribution-it", uuid()));
    Path workerLog = dir.resolve("worker.log");
    ProcessBuilder worker =
        new ProcessBuilder(
                ROOT.resolve("gridqueue").toString(),
                "worker",
                "--grid",
                "127.0.0.1:" + FreePorts.findRange(10),
                "--discovery-port",
                String.valueOf(FreePorts.findRange(10)),
                "--communication-port",
                String.valueOf(FreePorts.findRange(10)),
                "--work-dir",
                dir.resolve("worker-ignite").toAbsolutePath().toString())
            .redirectErrorStream(true)
            .redirectOutput(workerLog.toFile());
    worker.environment().put("GRIDQUEUE_NO_BUILD", "1");
    worker.environment().put("JAVA_OPTS", "-Xms64m -Xmx256m -XX:+UseSerialGC");
    Process running = worker.start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Files.readString(workerLog).contains("joining the grid"));

      // when
      Path out = dir.resolve("rebuild.txt");
      int exit = run(dir, Map.of(), out, ROOT.resolve("gridqueue").toString(), "--rebuild");

      // then: refused, without running Maven, and the worker still runs
      String output = Files.readString(out);
      assertThat(exit).as(output).isEqualTo(1);
      assertThat(output)
          .contains("not rebuilding: gridqueue processes run from")
          .doesNotContain("building the distribution");
      assertThat(running.isAlive()).isTrue();
    } finally {
      running.destroyForcibly().waitFor();
    }
  }

  /** Runs a command in {@code dir}; a non-empty {@code env} replaces the whole environment. */
  private static int run(Path dir, Map<String, String> env, Path out, String... command)
      throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    if (!env.isEmpty()) {
      pb.environment().clear();
      pb.environment().putAll(env);
    }
    Process p = pb.start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new IllegalStateException(String.join(" ", command) + " did not end; see " + out);
    }
    return p.exitValue();
  }

  private static String uuid() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
