package dev.gridqueue.worker.internal.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command lines in kept shells: as /bin/sh -c runs them, one shell reused, groups stopped. */
class CommandShellsTest {
  @TempDir Path dir;

  private CommandShells shells;
  private Path sandbox;

  @BeforeEach
  void setUp() throws Exception {
    shells = new CommandShells(dir);
    sandbox = Files.createDirectory(dir.resolve("sandbox"));
  }

  @AfterEach
  void tearDown() {
    shells.close();
  }

  private ProcessGroup run(String commandLine, Map<String, String> env) throws Exception {
    ProcessGroup group =
        shells.start(sandbox, dir.resolve("out"), dir.resolve("err"), env, commandLine);
    while (!group.waitFor(50)) {
      Thread.onSpinWait();
    }
    return group;
  }

  private String stdout() throws Exception {
    return Files.readString(dir.resolve("out"));
  }

  @Test
  void shouldRunCommandLinesAsShCWouldInTheirSandboxWithTheirEnvironment() throws Exception {
    // quotes, a newline, variables: the line reaches the shell as written
    ProcessGroup g =
        run(
            "printf '%s|%s|%s\\n' \"$GREETING\" \"$(pwd)\" 'it'\"'\"'s'; echo second\nexit 3",
            Map.of("GREETING", "it's \"quoted\"\nand $NOT expanded"));

    assertThat(g.exitCode()).isEqualTo(3);
    assertThat(stdout())
        .isEqualTo("it's \"quoted\"\nand $NOT expanded|" + sandbox + "|it's\nsecond\n");
    assertThat(g).isInstanceOf(ShellRun.class);
  }

  @Test
  void shouldReuseOneShellAndKeepItsStateOutOfTheNextCommand() throws Exception {
    // a syntax error, a cd and a variable stay in their command's subshell
    ProcessGroup first = run("cd /; LEFT=over; if then", Map.of());
    ProcessGroup second = run("echo \"[$LEFT]\"; pwd", Map.of());

    assertThat(first.exitCode()).isEqualTo(2);
    assertThat(Files.readString(dir.resolve("err"))).isEmpty(); // second run's stderr
    assertThat(stdout()).isEqualTo("[]\n" + sandbox + "\n");
    assertThat(second.process().pid()).isEqualTo(first.process().pid());
  }

  @Test
  void shouldReportASignalAsTheShellDoesWhenTheCommandKillsItsShell() throws Exception {
    ProcessGroup killed = run("kill -9 $$", Map.of());
    ProcessGroup next = run("echo fine", Map.of());

    assertThat(killed.exitCode()).isEqualTo(128 + 9);
    assertThat(next.exitCode()).isZero();
    assertThat(next.process().pid()).isNotEqualTo(killed.process().pid());
  }

  @Test
  void shouldStopTheWholeGroupIncludingAChildIgnoringSigterm() throws Exception {
    ProcessGroup g =
        shells.start(
            sandbox,
            dir.resolve("out"),
            dir.resolve("err"),
            Map.of(),
            "sh -c 'trap \"\" TERM; echo $$ > child.pid; sleep 30' & wait");
    Path pidFile = sandbox.resolve("child.pid");
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pidFile));
    await().until(() -> !Files.readString(pidFile).isBlank());
    long child = Long.parseLong(Files.readString(pidFile).trim());

    g.stop(Duration.ofMillis(200));

    assertThat(g.process().isAlive()).isFalse();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
    // the next command gets a new shell
    assertThat(run("true", Map.of()).process().pid()).isNotEqualTo(g.process().pid());
  }

  @Test
  void shouldGiveCommandsThatShellsCannotRunAProcessOfTheirOwn() throws Exception {
    // a variable name the shell cannot export (dash passes it on to no child: read its own)
    ProcessGroup g = run("tr '\\0' '\\n' < /proc/$$/environ | grep '^A-B='", Map.of("A-B", "x"));

    assertThat(g).isInstanceOf(SpawnedGroup.class);
    assertThat(g.exitCode()).isZero();
    assertThat(stdout()).isEqualTo("A-B=x\n");
  }
}
