package dev.gridqueue.worker.internal.command;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Reads what a process and its descendants use now, from Linux's {@code /proc}: the children of
 * each of a process's threads ({@code /proc/PID/task/TID/children}), and for each process its
 * resident set and CPU time ({@code /proc/PID/stat}). Walking the tree from its root costs a few
 * file reads per process of the task, not a scan of every process of the machine.
 */
final class ProcessTree {
  /** Linux's USER_HZ, the unit of the CPU times in /proc/PID/stat (100 on every architecture). */
  private static final long TICKS_PER_SECOND = 100;

  /** Linux's page size on x86-64 and ARM64 (the unit of the resident set in /proc/PID/stat). */
  private static final long PAGE_BYTES = 4096;

  private static final Path PROC = Path.of("/proc");

  /** Resident bytes and CPU nanoseconds of a tree at one moment. */
  record Sample(long residentBytes, long cpuNanos) {}

  private ProcessTree() {}

  /** Whether this machine has the /proc this reads. */
  static boolean available() {
    return Files.isReadable(PROC.resolve("self/stat"));
  }

  /**
   * The tree under {@code rootPid}: the sum of its processes' resident sets, and the CPU time they
   * used including what their children that already ended used ({@code cutime}, {@code cstime} of a
   * process count its ended and reaped children). Null when the root is gone.
   */
  static Sample sample(long rootPid) {
    long resident = 0;
    long ticks = 0;
    boolean found = false;
    Deque<Long> todo = new ArrayDeque<>();
    todo.add(rootPid);
    while (!todo.isEmpty()) {
      long pid = todo.poll();
      long[] stat = stat(pid);
      if (stat == null) {
        continue;
      }
      found = true;
      ticks += stat[0];
      resident += stat[1] * PAGE_BYTES;
      addChildren(pid, todo);
    }
    return found ? new Sample(resident, ticks * (1_000_000_000L / TICKS_PER_SECOND)) : null;
  }

  /**
   * The CPU time {@code pid} has used so far, its ended and reaped children's included; 0 if it is
   * gone or this machine has no /proc.
   */
  static long cpuNanos(long pid) {
    long[] stat = stat(pid);
    return stat == null ? 0 : stat[0] * (1_000_000_000L / TICKS_PER_SECOND);
  }

  /** {utime + stime + cutime + cstime, rss pages} of a process; null if it is gone. */
  private static long[] stat(long pid) {
    String line;
    try {
      line = Files.readString(PROC.resolve(pid + "/stat"));
    } catch (IOException | RuntimeException e) {
      return null;
    }
    // The command name (field 2) is in parentheses and may hold spaces: fields count after it.
    int close = line.lastIndexOf(')');
    if (close < 0) {
      return null;
    }
    String[] f = line.substring(close + 2).trim().split(" ");
    // f[0] is field 3 (state): utime is field 14 → f[11], stime f[12], cutime f[13], cstime f[14],
    // rss field 24 → f[21].
    if (f.length < 22) {
      return null;
    }
    try {
      long cpu =
          Long.parseLong(f[11])
              + Long.parseLong(f[12])
              + Long.parseLong(f[13])
              + Long.parseLong(f[14]);
      return new long[] {cpu, Long.parseLong(f[21])};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static void addChildren(long pid, Deque<Long> todo) {
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(PROC.resolve(pid + "/task"))) {
      for (Path task : tasks) {
        String children;
        try {
          children = Files.readString(task.resolve("children"));
        } catch (IOException e) {
          continue;
        }
        for (String child : children.trim().split(" ")) {
          if (!child.isEmpty()) {
            todo.add(Long.parseLong(child));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process ended meanwhile
    }
  }
}
