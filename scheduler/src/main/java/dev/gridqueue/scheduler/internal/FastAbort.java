package dev.gridqueue.scheduler.internal;

import dev.gridqueue.scheduler.internal.SessionQueue.QueuedEntry;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Fast abort ({@code fast_abort_multiplier} ≥ 1): once {@link #MIN_SAMPLES} batches of a category
 * have finished, a batch of it may run at most multiplier × their mean before the worker stops it;
 * a worker that had to stop {@link #STRIKES} of a session's batches is blocklisted for the session.
 *
 * <p>Its memory is per session ({@link History}, held by the {@link SessionQueue} so it goes with
 * the session); only this class changes it. Everything else only asks {@link History#blocklists}.
 * What happens to the aborted batch (retried elsewhere, attempts) is {@link RetryRules}'; taking
 * the worker away is the ledger's.
 */
final class FastAbort {
  /** Finished batches of a category before fast abort judges run times. */
  static final int MIN_SAMPLES = 10;

  /** Fast aborts after which a worker is blocklisted for the session. */
  static final int STRIKES = 3;

  private FastAbort() {}

  /** What fast abort knows of one session: run times per category, strikes, blocklisted workers. */
  static final class History {
    private final Map<String, RunTimes> runTimes = new HashMap<>();
    private final Map<String, Integer> strikes = new HashMap<>();
    private final Set<String> blocklisted = new HashSet<>();

    /** Whether the worker may no longer serve the session. */
    boolean blocklists(String workerId) {
      return blocklisted.contains(workerId);
    }
  }

  /** Run times of finished batches of one category. */
  private static final class RunTimes {
    long count;
    long totalNanos;

    long meanNanos() {
      return count == 0 ? 0 : totalNanos / count;
    }
  }

  /**
   * A batch of the session ran for {@code runNanos}; remembered only when fast abort is on and the
   * worker measured the run (0: not measured, e.g. found already done).
   */
  static void ran(SessionQueue s, QueuedEntry entry, long runNanos) {
    if (runNanos > 0 && s.info.fastAbortMultiplier() > 0) {
      RunTimes times = s.fastAbort.runTimes.computeIfAbsent(categoryOf(entry), c -> new RunTimes());
      times.count++;
      times.totalNanos += runNanos;
    }
  }

  /**
   * How long the batch may run before its worker stops it; 0: no limit (off, or too few samples).
   */
  static long abortAfterNanos(SessionQueue s, QueuedEntry entry) {
    if (s.info.fastAbortMultiplier() <= 0) {
      return 0;
    }
    RunTimes times = s.fastAbort.runTimes.get(categoryOf(entry));
    if (times == null || times.count < MIN_SAMPLES) {
      return 0;
    }
    return (long) (times.meanNanos() * s.info.fastAbortMultiplier());
  }

  /**
   * The worker had to stop a batch of the session: one more strike. Returns true when this strike
   * blocklists it (once; later strikes return false).
   */
  static boolean strike(SessionQueue s, String workerId) {
    int strikes = s.fastAbort.strikes.merge(workerId, 1, Integer::sum);
    return strikes >= STRIKES && s.fastAbort.blocklisted.add(workerId);
  }

  /** Batches without a category share one mean. */
  private static String categoryOf(QueuedEntry e) {
    return e.ref().category == null ? "" : e.ref().category;
  }
}
