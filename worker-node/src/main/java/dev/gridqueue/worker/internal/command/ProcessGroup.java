package dev.gridqueue.worker.internal.command;

import java.time.Duration;

/**
 * A command running in a process group of its own, so that stopping it reaches every process it
 * started: SIGTERM to the group, then SIGKILL after a grace period. Started by {@link
 * CommandShells} (in a shell kept for the next command, or in a process of its own).
 */
interface ProcessGroup {
  /**
   * The process at the root of the command's processes: its shell ({@code /bin/sh}), whose
   * descendants are the command's processes.
   */
  Process process();

  /**
   * CPU time the root process had used before this command started: a kept shell counts its earlier
   * commands (reaped children) in its own CPU time, which is not this command's.
   */
  default long cpuNanosBefore() {
    return 0;
  }

  /** Waits up to {@code millis} for the command to end; true if it did. */
  boolean waitFor(long millis) throws InterruptedException;

  /**
   * Stops the whole group: SIGTERM, then SIGKILL to what is left after {@code grace}. Returns once
   * the command's shell has ended. Not interruptible: a worker stopping still cleans up.
   */
  void stop(Duration grace);

  /**
   * The command line's exit status once {@link #waitFor} said it ended: its exit code, or 128 + N
   * when signal N ended it (as the shell reports it).
   */
  int exitCode();
}
