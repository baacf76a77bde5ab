package dev.gridqueue.worker.internal.command;

import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.ResourceUsage;
import dev.gridqueue.proto.v1.ResultCode;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Measures one running command (Work Queue's resource monitor): every {@link #SAMPLE_NANOS} its
 * process tree's resident memory and CPU time ({@link ProcessTree}) and its sandbox's size, keeping
 * the peaks; and says when the command has gone past the memory or disk it was allocated, so that
 * {@link CommandRunner} stops it. Used by the one thread that waits for the command.
 */
public final class ResourceWatch {
  /** How often a running command is measured. */
  static final long SAMPLE_NANOS = 100_000_000L;

  /**
   * When a command is first measured. Not at once: a command that just started shows only its shell
   * (its memory was the shell's), and the commands of many small tasks have ended by then, which
   * saves each a dozen system calls. A command that ends sooner is measured once, as it ends: its
   * CPU time and its sandbox, no memory peak (0).
   */
  static final long FIRST_SAMPLE_NANOS = 10_000_000L;

  private static final long MB = 1024 * 1024;

  /** Starts every error of a command stopped for going past its allocation. */
  private static final String[] EXCEEDED_PREFIXES = {"memory: ", "disk: "};

  private final long rootPid;
  private final Path sandbox;
  private final long memoryLimitBytes;
  private final long diskLimitBytes;
  private final long startedNanos;
  private final long cpuBaselineNanos;
  private final boolean proc;
  private long nextSampleNanos;
  private long peakResidentBytes;
  private long cpuNanos;
  private long peakDiskBytes;
  private long endedNanos;

  /**
   * Watches the command whose shell is {@code rootPid} in {@code sandbox}; {@code allocation}
   * (null: the whole worker) bounds its memory and disk where a field is above 0. {@code
   * cpuBaselineNanos} is what the shell had used before the command (a kept shell's earlier
   * commands), left out of the command's CPU time.
   */
  ResourceWatch(
      long rootPid,
      Path sandbox,
      ResourceAmounts allocation,
      long startedNanos,
      long cpuBaselineNanos) {
    this.rootPid = rootPid;
    this.cpuBaselineNanos = cpuBaselineNanos;
    this.sandbox = sandbox;
    this.memoryLimitBytes = allocation == null ? 0 : allocation.memoryMb() * MB;
    this.diskLimitBytes = allocation == null ? 0 : allocation.diskMb() * MB;
    this.startedNanos = startedNanos;
    this.nextSampleNanos = startedNanos + FIRST_SAMPLE_NANOS;
    this.proc = ProcessTree.available();
  }

  /**
   * Measures the command if a sample is due at {@code nowNanos}; returns why it must be stopped
   * (e.g. "memory: peak 612 MB > 256 MB declared"), null while it is within its allocation.
   */
  String check(long nowNanos) {
    if (nowNanos - nextSampleNanos < 0) {
      return null;
    }
    nextSampleNanos = nowNanos + SAMPLE_NANOS;
    if (proc) {
      ProcessTree.Sample s = ProcessTree.sample(rootPid);
      if (s != null) {
        peakResidentBytes = Math.max(peakResidentBytes, s.residentBytes());
        cpuNanos = Math.max(cpuNanos, s.cpuNanos() - cpuBaselineNanos);
      }
    }
    peakDiskBytes = Math.max(peakDiskBytes, sandboxBytes());
    if (memoryLimitBytes > 0 && peakResidentBytes > memoryLimitBytes) {
      return "memory: peak "
          + mb(peakResidentBytes)
          + " MB > "
          + memoryLimitBytes / MB
          + " MB declared";
    }
    if (diskLimitBytes > 0 && peakDiskBytes > diskLimitBytes) {
      return "disk: sandbox " + mb(peakDiskBytes) + " MB > " + diskLimitBytes / MB + " MB declared";
    }
    return null;
  }

  /**
   * The command ended at {@code nowNanos}: its sandbox is measured once more (what it wrote last
   * counts), and its CPU time read from its shell, which counts the command's processes once it has
   * reaped them (a kept shell has; a shell that ended is gone, and the samples stand). Returns why
   * it went past its allocation after all, null if it did not.
   */
  String ended(long nowNanos) {
    endedNanos = nowNanos;
    if (proc) {
      cpuNanos = Math.max(cpuNanos, ProcessTree.cpuNanos(rootPid) - cpuBaselineNanos);
    }
    peakDiskBytes = Math.max(peakDiskBytes, sandboxBytes());
    if (diskLimitBytes > 0 && peakDiskBytes > diskLimitBytes) {
      return "disk: sandbox " + mb(peakDiskBytes) + " MB > " + diskLimitBytes / MB + " MB declared";
    }
    return null;
  }

  /** What the command used, as measured. */
  ResourceUsage usage() {
    long wall = Math.max(0, (endedNanos == 0 ? System.nanoTime() : endedNanos) - startedNanos);
    return ResourceUsage.newBuilder()
        .setMemoryPeakBytes(peakResidentBytes)
        .setDiskPeakBytes(peakDiskBytes)
        .setCpuTimeUs(cpuNanos / 1000)
        .setWallTimeUs(wall / 1000)
        .setCores(wall == 0 ? 0 : (double) cpuNanos / wall)
        .build();
  }

  /** Whether {@code result} is a command stopped for going past its memory or disk allocation. */
  public static boolean exceededAllocation(Message result) {
    if (result.getResultCode() != ResultCode.RESULT_RESOURCE_EXHAUSTION || !result.hasError()) {
      return false;
    }
    for (String prefix : EXCEEDED_PREFIXES) {
      if (result.getError().startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** Megabytes, rounded up: 256 MB and one byte reads 257, never "256 > 256". */
  private static long mb(long bytes) {
    return (bytes + MB - 1) / MB;
  }

  private long sandboxBytes() {
    long[] total = {0};
    try {
      Files.walkFileTree(
          sandbox,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isRegularFile()) {
                total[0] += attrs.size();
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE; // written or removed meanwhile
            }
          });
    } catch (IOException e) {
      // the sandbox is gone: nothing more to count
    }
    return total[0];
  }
}
