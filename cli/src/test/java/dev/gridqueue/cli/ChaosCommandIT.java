package dev.gridqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code gridqueue chaos} end to end, small: 10,000 tasks on three grid server processes and four
 * workers; one worker and the grid server the client talks to (the first address, {@code
 * --grid-node 0}) are killed with SIGKILL mid-run. The session fails over to another server and
 * every task ends exactly once.
 */
class ChaosCommandIT {
  @Test
  void shouldEndEveryTaskExactlyOnceWhileAWorkerAndTheClientsGridNodeAreKilled() throws Exception {
    // given
    Path work = Path.of("target", "chaos-" + System.nanoTime()).toAbsolutePath();
    Files.createDirectories(work);
    Path output = work.resolve("chaos.out");

    // when
    Process chaos =
        SeparateWorkerProcessIT.launcher(
                "chaos",
                "--tasks",
                "10000",
                "--task-ms",
                "3",
                "--worker-kills",
                "1",
                "--seed",
                "7",
                "--grid-node",
                "0",
                "--work-dir",
                work.toString(),
                "--timeout-s",
                "120",
                // CI's 2 cores run 8 JVMs here: a short failure detection can declare a starved
                // live
                // server failed (it then halts). SIGKILLed nodes are detected at once anyway.
                "--failure-detection-ms",
                "10000")
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    boolean exited = chaos.waitFor(150, TimeUnit.SECONDS);
    if (!exited) {
      chaos.descendants().forEach(ProcessHandle::destroyForcibly);
      chaos.destroyForcibly().waitFor();
    }

    // then
    String report = Files.readString(output);
    assertThat(exited).as("chaos finished; output:%n%s", report).isTrue();
    assertThat(chaos.exitValue()).as("exit code; output:%n%s", report).isZero();
    assertThat(report)
        .containsPattern("submitted +10,000")
        .containsPattern("lost +0\\b")
        .containsPattern("duplicated to the application +0\\b")
        .contains("SIGKILL grid node server-0")
        .containsPattern("client failovers +[1-9]")
        .contains("SIGKILL worker-")
        .contains("OK: every task ended exactly once");
  }
}
