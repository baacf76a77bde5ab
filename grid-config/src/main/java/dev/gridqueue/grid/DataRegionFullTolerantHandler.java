package dev.gridqueue.grid;

import org.apache.ignite.Ignite;
import org.apache.ignite.failure.FailureContext;
import org.apache.ignite.failure.StopNodeOrHaltFailureHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ignite's failure handler for gridqueue nodes: a full data region does not stop the node.
 *
 * <p>Why: when an off-heap data region has no page left, Ignite (2.17, {@code
 * PageMemoryNoStoreImpl.allocatePage}, and the backup path of {@code GridDhtAtomicCache}) reports
 * an {@code IgniteOutOfMemoryException} to the failure handler as a CRITICAL_ERROR before it throws
 * it to the writer, and the default handler ({@link StopNodeOrHaltFailureHandler}) then halts the
 * JVM. What fills a region here is what clients send (task batches, shared data), so one client
 * could stop a server. The gateway's quotas refuse such requests before the region fills; should
 * one still get through, the write fails (the client gets RESOURCE_EXHAUSTED), the node logs the
 * failure and keeps serving. Every other critical failure (a system worker died, the heap ran out,
 * the node was segmented) is handled as by default: the node stops or halts.
 */
final class DataRegionFullTolerantHandler extends StopNodeOrHaltFailureHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DataRegionFullTolerantHandler.class);
  private static final String DATA_REGION_FULL =
      "org.apache.ignite.internal.mem.IgniteOutOfMemoryException";

  @Override
  protected boolean handle(Ignite ignite, FailureContext failureCtx) {
    if (causedByFullDataRegion(failureCtx.error())) {
      LOG.error(
          "data region full; the write fails and the node keeps serving (quotas should have "
              + "refused the request earlier: check --data-region-mb against the quotas): {}",
          failureCtx.error().toString());
      return false; // the node stays valid
    }
    return super.handle(ignite, failureCtx);
  }

  static boolean causedByFullDataRegion(Throwable error) {
    return causedByFullDataRegion(error, 0);
  }

  /** Looks through causes and suppressed exceptions (Ignite attaches the cause to either). */
  private static boolean causedByFullDataRegion(Throwable error, int depth) {
    for (Throwable t = error; t != null && depth < 32; t = t.getCause(), depth++) {
      if (t.getClass().getName().equals(DATA_REGION_FULL)) {
        return true;
      }
      for (Throwable s : t.getSuppressed()) {
        if (causedByFullDataRegion(s, depth + 1)) {
          return true;
        }
      }
      if (t.getCause() == t) {
        return false;
      }
    }
    return false;
  }
}
