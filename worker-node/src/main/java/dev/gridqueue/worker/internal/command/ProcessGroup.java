package dev.gridqueue.worker.internal.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command running in a process group of its own ({@code setsid}), so that stopping it reaches
 * every process it started: SIGTERM to the group, then SIGKILL after a grace period. Without {@code
 * setsid} (not Linux) the group is the process and its descendants as the JDK sees them.
 */
final class ProcessGroup {
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Path KILL = Path.of("/bin/kill");

  private final Process process;
  private final boolean ownGroup;

  private ProcessGroup(Process process, boolean ownGroup) {
    this.process = process;
    this.ownGroup = ownGroup;
  }

  /** Starts {@code shellCommand} with /bin/sh -c, as set up in {@code builder} (dir, env, I/O). */
  static ProcessGroup start(ProcessBuilder builder, String shellCommand) throws IOException {
    boolean ownGroup = Files.isExecutable(SETSID);
    builder.command(
        ownGroup
            ? List.of(SETSID.toString(), "/bin/sh", "-c", shellCommand)
            : List.of("/bin/sh", "-c", shellCommand));
    return new ProcessGroup(builder.start(), ownGroup);
  }

  Process process() {
    return process;
  }

  /** Waits up to {@code millis} for the command to end; true if it did. */
  boolean waitFor(long millis) throws InterruptedException {
    return process.waitFor(millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Stops the whole group: SIGTERM, then SIGKILL to what is left after {@code grace}. Returns once
   * the command's shell has ended. Not interruptible: a worker stopping still cleans up.
   */
  void stop(Duration grace) {
    signal("TERM");
    long deadline = System.nanoTime() + grace.toNanos();
    boolean interrupted = false;
    while (process.isAlive() && System.nanoTime() < deadline) {
      try {
        process.waitFor(20, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    // The group may outlive its shell (a child ignoring SIGTERM): SIGKILL whatever is left.
    signal("KILL");
    while (process.isAlive()) {
      try {
        process.waitFor(20, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void signal(String name) {
    if (ownGroup) {
      try {
        // With setsid the shell leads a new group whose id is its pid.
        Process kill =
            new ProcessBuilder(KILL.toString(), "-" + name, "--", "-" + process.pid())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        kill.waitFor(5, TimeUnit.SECONDS);
        return;
      } catch (IOException e) {
        // fall through to the JDK's view of the processes
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    boolean force = name.equals("KILL");
    process
        .descendants()
        .forEach(
            p -> {
              if (force) {
                p.destroyForcibly();
              } else {
                p.destroy();
              }
            });
    if (force) {
      process.destroyForcibly();
    } else {
      process.destroy();
    }
  }
}
