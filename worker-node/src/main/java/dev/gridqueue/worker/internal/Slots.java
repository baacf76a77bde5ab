package dev.gridqueue.worker.internal;

import dev.gridqueue.grid.work.BatchAbortedException;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;

/**
 * A worker's slots: one permit per slot, held while a batch runs, not while its job waits on the
 * grid.
 */
public final class Slots {
  private final Semaphore permits;

  public Slots(int slots) {
    this.permits = new Semaphore(slots);
  }

  /**
   * Runs {@code work} in a slot, waiting for one; interrupted while waiting means the node stops.
   */
  public <T> T run(Callable<T> work) throws Exception {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatchAbortedException("interrupted waiting for a slot");
    }
    try {
      return work.call();
    } finally {
      permits.release();
    }
  }
}
