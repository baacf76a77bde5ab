package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.grid.store.StoredBatch;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.apache.ignite.IgniteCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deliveries of one stream that still sit in the grid: sent and not yet acknowledged. A
 * delivery leaves the grid when the client acknowledges it, when the ack timeout has passed since
 * it was sent (clients that never acknowledge), or when the stream ends normally. A stream that
 * breaks leaves its unacknowledged deliveries in the grid for the next stream of the session.
 *
 * <p>Removals are coalesced: keys to remove collect for {@link #FLUSH_DELAY_MILLIS} ms and leave
 * the grid in {@code removeAll} calls of up to {@link #FLUSH_AT} keys, so acknowledging costs no
 * cache operation per batch.
 */
final class DeliveryLedger {
  static final long FLUSH_DELAY_MILLIS = 5;
  static final int FLUSH_AT = 256;
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryLedger.class);

  private final IgniteCache<String, StoredBatch> batches;
  private final ScheduledExecutorService timer;
  private final Executor blockingCalls;
  private final long ackTimeoutNanos;
  private final LongSupplier nanoClock;

  /** Told of keys removed from the grid (they leave the queued-bytes quota). */
  private final java.util.function.Consumer<Set<String>> removed;

  /** Sent, not acknowledged: key to when it was sent. */
  private final Map<String, Long> unacked = new ConcurrentHashMap<>();

  private final Queue<String> toRemove = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean flushScheduled = new AtomicBoolean();

  DeliveryLedger(
      IgniteCache<String, StoredBatch> batches,
      ScheduledExecutorService timer,
      Executor blockingCalls,
      Duration ackTimeout,
      LongSupplier nanoClock,
      java.util.function.Consumer<Set<String>> removed) {
    this.removed = removed;
    this.batches = batches;
    this.timer = timer;
    this.blockingCalls = blockingCalls;
    this.ackTimeoutNanos = ackTimeout.toNanos();
    this.nanoClock = nanoClock;
  }

  /** Records a delivery about to be sent. */
  void sent(String key) {
    unacked.put(key, nanoClock.getAsLong());
  }

  /** The client processed these deliveries: they leave the grid. */
  void acknowledged(Collection<String> keys) {
    for (String key : keys) {
      unacked.remove(key);
      toRemove.add(key);
    }
    scheduleFlush();
  }

  /** Removes a batch with nothing to deliver. */
  void discard(String key) {
    toRemove.add(key);
    scheduleFlush();
  }

  /** Forgets deliveries acknowledged elsewhere (another stream removes them). */
  void forget(Collection<String> keys) {
    keys.forEach(unacked::remove);
  }

  /** The stream ended normally: everything sent was delivered, and leaves the grid. */
  void releaseAll() {
    for (String key : unacked.keySet()) {
      unacked.remove(key);
      toRemove.add(key);
    }
    scheduleFlush();
  }

  /** Removes deliveries sent longer than the ack timeout ago; returns how many. */
  int expire() {
    long cutoff = nanoClock.getAsLong() - ackTimeoutNanos;
    int expired = 0;
    for (Map.Entry<String, Long> e : unacked.entrySet()) {
      if (e.getValue() - cutoff <= 0 && unacked.remove(e.getKey(), e.getValue())) {
        toRemove.add(e.getKey());
        expired++;
      }
    }
    if (expired > 0) {
      scheduleFlush();
    }
    return expired;
  }

  private void scheduleFlush() {
    if (flushScheduled.compareAndSet(false, true)) {
      try {
        timer.schedule(
            () -> blockingCalls.execute(this::flush), FLUSH_DELAY_MILLIS, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException stopping) {
        flushScheduled.set(false);
      }
    }
  }

  /** Removes the keys collected so far, in chunks of {@link #FLUSH_AT}. */
  void flush() {
    flushScheduled.set(false);
    Set<String> keys = new HashSet<>();
    for (String k; (k = toRemove.poll()) != null; ) {
      keys.add(k);
      if (keys.size() >= FLUSH_AT) {
        removeAll(keys);
        keys = new HashSet<>();
      }
    }
    if (!keys.isEmpty()) {
      removeAll(keys);
    }
  }

  private void removeAll(Set<String> keys) {
    try {
      batches
          .removeAllAsync(keys)
          .listen(
              f -> {
                try {
                  f.get();
                  removed.accept(keys);
                } catch (RuntimeException e) {
                  LOG.warn(
                      "removing {} delivered batches failed (they are delivered again): {}",
                      keys.size(),
                      e.toString());
                }
              });
    } catch (RuntimeException e) {
      LOG.warn(
          "removing {} delivered batches failed (they are delivered again): {}",
          keys.size(),
          e.toString());
    }
  }
}
