package dev.gridqueue.worker.internal.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Signals to a whole process group. Java cannot signal a group, nor start a process in a group of
 * its own: {@code setsid} starts the group (its leader's pid is the group's id) and {@code kill}
 * signals it.
 */
final class GroupSignals {
  static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Path KILL = Path.of("/bin/kill");

  private GroupSignals() {}

  /** True where processes can be started in a group of their own (Linux with util-linux). */
  static boolean available() {
    return Files.isExecutable(SETSID) && Files.isExecutable(KILL);
  }

  /**
   * Sends signal {@code name} (TERM, KILL) to the group led by {@code leaderPid}; false if it could
   * not be sent (no {@code kill}).
   */
  static boolean signal(long leaderPid, String name) {
    try {
      Process kill =
          new ProcessBuilder(KILL.toString(), "-" + name, "--", "-" + leaderPid)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      kill.waitFor(5, TimeUnit.SECONDS);
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }
}
