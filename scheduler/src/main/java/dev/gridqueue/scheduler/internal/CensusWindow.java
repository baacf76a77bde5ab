package dev.gridqueue.scheduler.internal;

import java.util.HashSet;
import java.util.Set;

/**
 * The batches that ended while a grid census ran. The census reads the grid while the scheduler
 * goes on, so it may list as queued a batch that has ended since; comparing, the {@link Reconciler}
 * must not take such a batch for one the scheduler never heard of and queue it again. Remembers
 * nothing while no census runs.
 */
final class CensusWindow {
  /** Null when no census runs. */
  private Set<String> endedDuringCensus;

  /** A census starts: batches ending from now on are remembered until {@link #close()}. */
  void open() {
    endedDuringCensus = new HashSet<>();
  }

  void close() {
    endedDuringCensus = null;
  }

  /** The batch ended (ran, or given up on). */
  void ended(String key) {
    if (endedDuringCensus != null) {
      endedDuringCensus.add(key);
    }
  }

  /** Whether the batch ended while the current census ran. */
  boolean sawEnd(String key) {
    return endedDuringCensus != null && endedDuringCensus.contains(key);
  }
}
