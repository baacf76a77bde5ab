package dev.gridqueue.worker.internal;

import dev.gridqueue.proto.v1.ResourceUsage;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * What the JVM can measure of Java handler tasks on their thread: CPU time and bytes allocated
 * ({@code com.sun.management.ThreadMXBean}). A handler shares the JVM's heap, so there is no peak
 * of its own to read: allocation is the measure of memory.
 *
 * <p>Reading the thread's CPU time is a system call (16 µs on this project's 2-core machine, where
 * a whole no-op task costs ~5 µs), so the counters are read per <em>group</em> of consecutive tasks
 * of a batch, not per task: a group closes once {@link #GROUP_NANOS} of wall time have passed (or
 * the batch ends), and its readings are shared among its tasks in proportion to their wall time. A
 * task of 10 ms or more is a group of its own, measured exactly; shorter ones share. One instance
 * per batch, used by the thread that runs it.
 */
final class HandlerMeter {
  /** Wall time after which a group of tasks is measured. */
  static final long GROUP_NANOS = 10_000_000L;

  private static final com.sun.management.ThreadMXBean THREADS = threads();
  private static final boolean CPU = THREADS != null && cpuSupported(THREADS);
  private static final boolean ALLOCATION = THREADS != null && allocationSupported(THREADS);

  private int[] indexes;
  private long[] starts;
  private long[] ends;
  private int size;
  private boolean open;
  private long groupStartNanos;
  private long cpuBefore;
  private long allocBefore;

  /** Receives each task's share of a group's readings, with when it started and ended. */
  interface Shares {
    void usage(int resultIndex, long startNanos, long endNanos, ResourceUsage usage);
  }

  /** A task is about to run at {@code nowNanos}: opens a group if none is open. */
  void starting(long nowNanos) {
    if (!open) {
      open = true;
      size = 0;
      groupStartNanos = nowNanos;
      cpuBefore = cpuNanos();
      allocBefore = allocatedBytes();
    }
  }

  /**
   * The task of result {@code resultIndex} ran from {@code startNanos} to {@code endNanos}; true
   * when the group is due to be measured ({@link #close}).
   */
  boolean ran(int resultIndex, long startNanos, long endNanos) {
    if (indexes == null || size == indexes.length) {
      int capacity = indexes == null ? 16 : size * 2;
      indexes = indexes == null ? new int[capacity] : Arrays.copyOf(indexes, capacity);
      starts = starts == null ? new long[capacity] : Arrays.copyOf(starts, capacity);
      ends = ends == null ? new long[capacity] : Arrays.copyOf(ends, capacity);
    }
    indexes[size] = resultIndex;
    starts[size] = startNanos;
    ends[size] = endNanos;
    size++;
    return endNanos - groupStartNanos >= GROUP_NANOS;
  }

  /** Closes the open group (if any): reads the counters and hands out each task's share. */
  void close(Shares shares) {
    if (!open) {
      return;
    }
    open = false;
    long cpu = Math.max(0, cpuNanos() - cpuBefore);
    long alloc = Math.max(0, allocatedBytes() - allocBefore);
    long totalWall = 0;
    for (int i = 0; i < size; i++) {
      totalWall += ends[i] - starts[i];
    }
    for (int i = 0; i < size; i++) {
      long wall = ends[i] - starts[i];
      double share = totalWall > 0 ? (double) wall / totalWall : 1.0 / size;
      long taskCpu = Math.min(wall, (long) (cpu * share));
      shares.usage(
          indexes[i],
          starts[i],
          ends[i],
          ResourceUsage.newBuilder()
              .setMemoryPeakBytes((long) (alloc * share))
              .setMemoryIsAllocation(true)
              .setCpuTimeUs(taskCpu / 1000)
              .setWallTimeUs(wall / 1000)
              .build());
    }
    size = 0;
  }

  private static long cpuNanos() {
    return CPU ? THREADS.getCurrentThreadCpuTime() : 0;
  }

  private static long allocatedBytes() {
    return ALLOCATION ? THREADS.getCurrentThreadAllocatedBytes() : 0;
  }

  private static com.sun.management.ThreadMXBean threads() {
    return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
        ? t
        : null;
  }

  private static boolean cpuSupported(com.sun.management.ThreadMXBean t) {
    try {
      return t.isCurrentThreadCpuTimeSupported() && t.isThreadCpuTimeEnabled();
    } catch (UnsupportedOperationException e) {
      return false;
    }
  }

  private static boolean allocationSupported(com.sun.management.ThreadMXBean t) {
    try {
      return t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled();
    } catch (UnsupportedOperationException e) {
      return false;
    }
  }
}
