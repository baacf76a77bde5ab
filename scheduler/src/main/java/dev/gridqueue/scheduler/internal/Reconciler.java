package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.QueuedBatchRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.apache.ignite.Ignite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the scheduler's view of queued batches converge with the grid's, whatever notices were lost
 * (a grid node died with them, a scheduler moved): every round it takes a {@link GridCensus} and
 * compares, per session, the settled queued batches the grid holds with those the scheduler knows.
 * A session with more in the grid is named in the next round, whose census lists its settled queued
 * batches; those the scheduler does not know are queued, with a WARN naming them. In a healthy grid
 * a round finds nothing. The census also re-announces settled results and dead letters to the
 * streams of their sessions (see {@code ResultFeed}).
 *
 * <p>Rounds are {@link #MIN_PERIOD_MILLIS} apart, or {@link #COST_FACTOR} times the last census'
 * duration if that is longer, so the census never takes more than a twentieth of the grid's time.
 */
final class Reconciler {
  /** A batch accepted (or ended) this long ago has been announced, if it ever will be. */
  static final long SETTLE_MILLIS = 3_000;

  static final long MIN_PERIOD_MILLIS = 2_000;
  static final long COST_FACTOR = 20;

  /** Keys named in one WARN at most. */
  private static final int KEYS_LOGGED = 10;

  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private final Ignite ignite;
  private final SchedulingLoop loop;
  private final ScheduledExecutorService timer;
  private final LongSupplier wallClock;

  /** Queues a batch the scheduler did not know (finding its session first); runs on the loop. */
  private final BiConsumer<SchedulerState, QueuedBatchRef> enqueue;

  private final AtomicLong recovered = new AtomicLong();
  private volatile GridCensus.Census latest;

  /**
   * Sessions whose settled queued batches the next census lists (touched by one round at a time).
   */
  private Set<String> suspects = Set.of();

  private volatile boolean stopped;

  Reconciler(
      Ignite ignite,
      SchedulingLoop loop,
      ScheduledExecutorService timer,
      LongSupplier wallClock,
      BiConsumer<SchedulerState, QueuedBatchRef> enqueue) {
    this.ignite = ignite;
    this.loop = loop;
    this.timer = timer;
    this.wallClock = wallClock;
    this.enqueue = enqueue;
  }

  void start() {
    timer.schedule(this::round, MIN_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  void stop() {
    stopped = true;
  }

  /** Queued batches found in the grid that the scheduler did not know, since it started. */
  long recovered() {
    return recovered.get();
  }

  /** The latest census; null before the first. */
  GridCensus.Census latest() {
    return latest;
  }

  private void round() {
    if (stopped) {
      return;
    }
    long started = System.nanoTime();
    try {
      loop.post(SchedulerState::censusStarted);
      long cutoff = wallClock.getAsLong() - SETTLE_MILLIS;
      Collection<GridCensus.Part> parts =
          ignite.compute(ignite.cluster().forServers()).broadcast(new GridCensus(cutoff, suspects));
      GridCensus.Census census = GridCensus.Census.of(parts);
      latest = census;
      java.util.concurrent.CompletableFuture<Set<String>> next =
          new java.util.concurrent.CompletableFuture<>();
      loop.post(state -> next.complete(compare(state, census, cutoff)));
      suspects = next.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception e) {
      LOG.warn("grid census failed (tried again next round): {}", e.toString());
      loop.post(SchedulerState::censusEnded);
    }
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    if (!stopped) {
      timer.schedule(
          this::round,
          Math.max(MIN_PERIOD_MILLIS, COST_FACTOR * tookMillis),
          TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Runs on the loop: queues what the scheduler missed, returns the sessions to list next round.
   */
  private Set<String> compare(SchedulerState state, GridCensus.Census census, long cutoff) {
    List<String> found = new ArrayList<>();
    for (QueuedBatchRef ref : census.listed) {
      if (!state.knowsBatch(ref.key)) {
        enqueue.accept(state, ref);
        found.add(ref.key);
      }
    }
    state.censusEnded();
    if (!found.isEmpty()) {
      recovered.addAndGet(found.size());
      LOG.warn(
          "reconciliation: {} queued batches were in the grid but unknown to the scheduler (their notices were lost); "
              + "queued them now: {}{}",
          found.size(),
          found.subList(0, Math.min(KEYS_LOGGED, found.size())),
          found.size() > KEYS_LOGGED ? " ..." : "");
    }
    Map<String, Long> known = state.settledBatchesBySession(cutoff);
    Set<String> next = new HashSet<>();
    census.sessions.forEach(
        (session, count) -> {
          if (count.settledQueuedBatches > known.getOrDefault(session, 0L)) {
            next.add(session);
          }
        });
    return next;
  }
}
