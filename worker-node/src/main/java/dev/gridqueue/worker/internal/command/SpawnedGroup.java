package dev.gridqueue.worker.internal.command;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command line started in a process of its own: {@code setsid /bin/sh -c LINE}, the shell leading
 * a new process group. Without {@code setsid} (not Linux) the group is the process and its
 * descendants as the JDK sees them.
 */
final class SpawnedGroup implements ProcessGroup {
  private final Process process;
  private final boolean ownGroup;

  private SpawnedGroup(Process process, boolean ownGroup) {
    this.process = process;
    this.ownGroup = ownGroup;
  }

  /** Starts {@code shellCommand} with /bin/sh -c, as set up in {@code builder} (dir, env, I/O). */
  static SpawnedGroup start(ProcessBuilder builder, String shellCommand) throws IOException {
    boolean ownGroup = GroupSignals.available();
    builder.command(
        ownGroup
            ? List.of(GroupSignals.SETSID.toString(), "/bin/sh", "-c", shellCommand)
            : List.of("/bin/sh", "-c", shellCommand));
    return new SpawnedGroup(builder.start(), ownGroup);
  }

  @Override
  public Process process() {
    return process;
  }

  @Override
  public boolean waitFor(long millis) throws InterruptedException {
    return process.waitFor(millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public int exitCode() {
    return process.exitValue();
  }

  @Override
  public void stop(Duration grace) {
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
    // With setsid the shell leads a new group whose id is its pid.
    if (ownGroup && GroupSignals.signal(process.pid(), name)) {
      return;
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
