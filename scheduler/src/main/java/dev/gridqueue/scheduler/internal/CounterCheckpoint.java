package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.store.TaskCounters;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the scheduler's task counters in the replicated scheduler cache, so that a scheduler that
 * takes over (its node died) carries on from them instead of from 0. Every {@link #PERIOD_MILLIS}
 * ms the changed counters are written; a move loses that much counting, and that of the batches
 * running at the move (their reports went to the scheduler that died). Counters of closed sessions
 * leave the cache.
 */
final class CounterCheckpoint {
  static final long PERIOD_MILLIS = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(CounterCheckpoint.class);

  private final IgniteCache<String, TaskCounters> cache;
  private final SchedulingLoop loop;
  private final ScheduledExecutorService timer;

  /** What the cache holds, as last written. */
  private Map<String, TaskCounters> written = new HashMap<>();

  CounterCheckpoint(Ignite ignite, SchedulingLoop loop, ScheduledExecutorService timer) {
    this.cache = ignite.cache(CacheNames.SCHEDULER);
    this.loop = loop;
    this.timer = timer;
  }

  /** The grid's counters as last checkpointed (zero if never). */
  TaskCounters grid() {
    TaskCounters c = cache.localPeek(TaskCounters.GRID);
    return c == null ? TaskCounters.ZERO : c;
  }

  /** A session's counters as last checkpointed (zero if never). */
  TaskCounters session(String sessionId) {
    TaskCounters c = cache.localPeek(TaskCounters.ofSession(sessionId));
    return c == null ? TaskCounters.ZERO : c;
  }

  void start() {
    timer.scheduleWithFixedDelay(
        () ->
            loop.post(
                state ->
                    write(
                        // stamped on the loop: what it counted so far covers batches accepted
                        // before now (a scheduler taking over must not count them again)
                        state.gridCounters().at(System.currentTimeMillis()),
                        state.sessionCounters())),
        PERIOD_MILLIS,
        PERIOD_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  /** Runs on the loop: hands the write to the timer thread. */
  private void write(TaskCounters grid, Map<String, TaskCounters> sessions) {
    timer.execute(() -> writeChanged(grid, sessions));
  }

  private synchronized void writeChanged(TaskCounters grid, Map<String, TaskCounters> sessions) {
    {
      Map<String, TaskCounters> now = new HashMap<>();
      now.put(TaskCounters.GRID, grid);
      sessions.forEach((id, c) -> now.put(TaskCounters.ofSession(id), c));
      Map<String, TaskCounters> changed = new HashMap<>();
      now.forEach(
          (k, c) -> {
            if (!c.equals(written.get(k))) {
              changed.put(k, c);
            }
          });
      Set<String> gone = new HashSet<>(written.keySet());
      gone.removeAll(now.keySet());
      try {
        if (!changed.isEmpty()) {
          cache.putAll(changed);
        }
        if (!gone.isEmpty()) {
          cache.removeAll(gone);
        }
        written = now;
      } catch (RuntimeException e) {
        LOG.warn(
            "checkpointing the task counters failed (tried again in {} ms): {}",
            PERIOD_MILLIS,
            e.toString());
      }
    }
  }
}
