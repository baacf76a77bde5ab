package dev.gridqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code soak} and {@code chaos} run their grid as child processes: stopping the command with
 * SIGTERM (or Ctrl+C sent to it alone) must stop them too, not leave them running as orphans.
 */
class LocalGridStopIT {
  @Test
  void shouldStopTheGridsChildProcessesWhenTheCommandIsTerminated() throws Exception {
    // given: a soak running its grid server as a child process
    Path work = Path.of("target", "local-grid-stop-" + System.nanoTime()).toAbsolutePath();
    Files.createDirectories(work);
    Process soak =
        SeparateWorkerProcessIT.launcher(
                "soak", "--servers", "1", "--minutes", "10", "--work-dir", work.toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("soak.out").toFile())
            .start();
    List<ProcessHandle> children = List.of();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> soak.descendants().anyMatch(ProcessHandle::isAlive));
      children = soak.descendants().toList();

      // when
      soak.destroy(); // SIGTERM
      assertThat(soak.waitFor(60, TimeUnit.SECONDS)).as("soak exited").isTrue();

      // then
      List<ProcessHandle> started = children;
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(started)
                      .as("children still running")
                      .noneMatch(ProcessHandle::isAlive));
    } finally {
      children.forEach(ProcessHandle::destroyForcibly);
      soak.descendants().forEach(ProcessHandle::destroyForcibly);
      soak.destroyForcibly();
    }
  }
}
