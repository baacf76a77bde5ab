package dev.gridqueue.worker.internal.command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command line running in a {@link CommandShell}'s subshell. The shell's process group holds the
 * shell and this command, so stopping the command stops the group, shell included. A command that
 * ends by itself gives its shell back to {@code shells} for the next one.
 */
final class ShellRun implements ProcessGroup {
  private final CommandShell shell;
  private final CommandShells shells;
  private int exitCode = -1;
  private boolean ended;

  ShellRun(CommandShell shell, CommandShells shells) {
    this.shell = shell;
    this.shells = shells;
  }

  @Override
  public Process process() {
    return shell.process();
  }

  @Override
  public long cpuNanosBefore() {
    return shell.cpuNanosBeforeLast();
  }

  @Override
  public boolean waitFor(long millis) throws InterruptedException {
    if (ended) {
      return true;
    }
    Long status = shell.poll(millis);
    if (status == null) {
      return false;
    }
    ended = true;
    if (status != CommandShell.ENDED) {
      exitCode = (int) (long) status;
      shells.release(shell);
      return true;
    }
    // The shell died first (the command killed it): its status is the command's, as with sh -c;
    // whatever the command left in the group goes with it.
    GroupSignals.signal(shell.process().pid(), "KILL");
    shell.process().waitFor();
    exitCode = shell.process().exitValue();
    return true;
  }

  @Override
  public int exitCode() {
    return exitCode;
  }

  @Override
  public void stop(Duration grace) {
    Process leader = shell.process();
    // The command's processes as they are now: the grace period lasts until they are gone.
    List<ProcessHandle> members = new ArrayList<>();
    members.add(leader.toHandle());
    leader.descendants().forEach(members::add);
    boolean interrupted = false;
    GroupSignals.signal(leader.pid(), "TERM");
    long deadline = System.nanoTime() + grace.toNanos();
    while (members.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      try {
        leader.waitFor(20, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    GroupSignals.signal(leader.pid(), "KILL");
    while (leader.isAlive()) {
      try {
        leader.waitFor(20, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    ended = true;
    exitCode = leader.exitValue();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
