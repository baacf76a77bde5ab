package dev.gridqueue.worker.internal;

import dev.gridqueue.proto.v1.ResourceUsage;
import java.lang.management.ManagementFactory;

/**
 * What the JVM can measure of a Java handler task on its own thread: CPU time and bytes allocated
 * ({@code com.sun.management.ThreadMXBean}). A handler shares the JVM's heap, so there is no peak
 * of its own to read: allocation is the measure of memory. Both readings are per-thread counters
 * (no pause, no lock); where the JVM lacks one, it reads 0.
 */
final class HandlerMeter {
  private static final com.sun.management.ThreadMXBean THREADS = threads();
  private static final boolean CPU = THREADS != null && cpuSupported(THREADS);
  private static final boolean ALLOCATION = THREADS != null && allocationSupported(THREADS);

  private HandlerMeter() {}

  /** The current thread's CPU time in nanoseconds, 0 where not measured. */
  static long cpuNanos() {
    return CPU ? THREADS.getCurrentThreadCpuTime() : 0;
  }

  /** Bytes the current thread allocated since it started, 0 where not measured. */
  static long allocatedBytes() {
    return ALLOCATION ? THREADS.getCurrentThreadAllocatedBytes() : 0;
  }

  /** The task's usage from readings taken as it started and as it ended. */
  static ResourceUsage usage(
      long cpuBefore, long cpuAfter, long allocBefore, long allocAfter, long wallNanos) {
    long cpu = Math.max(0, cpuAfter - cpuBefore);
    return ResourceUsage.newBuilder()
        .setMemoryPeakBytes(Math.max(0, allocAfter - allocBefore))
        .setMemoryIsAllocation(true)
        .setCpuTimeUs(cpu / 1000)
        .setWallTimeUs(wallNanos / 1000)
        .setCores(wallNanos <= 0 ? 0 : Math.min(1.0, (double) cpu / wallNanos))
        .build();
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
