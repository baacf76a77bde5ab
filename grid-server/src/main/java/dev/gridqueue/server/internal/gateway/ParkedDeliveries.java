package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.grid.store.BatchState;
import dev.gridqueue.grid.store.StoredBatch;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deliveries a server stream cannot send yet because its client is not ready: they are parked by
 * key only (the batches stay in the grid) and sent, re-read in groups of {@link #GROUP}, when the
 * client is ready again. Shared by the result and dead-letter streams.
 */
final class ParkedDeliveries {
  private static final Logger LOG = LoggerFactory.getLogger(ParkedDeliveries.class);
  private static final int GROUP = 64;

  private final Queue<String> parked = new ConcurrentLinkedQueue<>();
  private final Set<String> parkedKeys = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final OutboundStream<?> out;
  private final Executor blockingCalls;
  private final Function<Collection<String>, Map<String, StoredBatch>> load;
  private final BatchState state;
  private final BiConsumer<String, StoredBatch> send;
  private final Supplier<String> what;

  /**
   * Parks for {@code out}; {@code load} re-reads parked batches, of which those still in {@code
   * state} go to {@code send}. {@code what} names the stream in logs. Installs the ready handler.
   */
  ParkedDeliveries(
      OutboundStream<?> out,
      Executor blockingCalls,
      Function<Collection<String>, Map<String, StoredBatch>> load,
      BatchState state,
      BiConsumer<String, StoredBatch> send,
      Supplier<String> what) {
    this.out = out;
    this.blockingCalls = blockingCalls;
    this.load = load;
    this.state = state;
    this.send = send;
    this.what = what;
    out.call().setOnReadyHandler(this::drainSoon);
  }

  /** Sends the batch now if nothing waits before it and the client is ready; parks it otherwise. */
  void deliver(String key, StoredBatch batch) {
    if (!parked.isEmpty() || !out.isReady()) {
      park(key);
      return;
    }
    send.accept(key, batch);
  }

  /** Whether {@code key} waits here for the client. */
  boolean holds(String key) {
    return parkedKeys.contains(key);
  }

  private void park(String key) {
    if (parkedKeys.add(key)) {
      parked.add(key);
    }
    if (out.isReady()) {
      drainSoon(); // became ready while we parked: no ready signal will come
    }
  }

  /** Runs on the transport thread: hands the (blocking) drain to the blocking pool. */
  private void drainSoon() {
    if (!parked.isEmpty() && draining.compareAndSet(false, true)) {
      blockingCalls.execute(this::drain);
    }
  }

  private void drain() {
    try {
      while (!out.isEnded() && out.isReady() && !parked.isEmpty()) {
        List<String> keys = new ArrayList<>();
        for (String k; keys.size() < GROUP && (k = parked.poll()) != null; ) {
          parkedKeys.remove(k);
          keys.add(k);
        }
        Map<String, StoredBatch> waiting = load.apply(keys);
        for (String k : keys) {
          StoredBatch batch = waiting.get(k);
          if (batch != null && batch.state() == state) {
            send.accept(k, batch);
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("delivering parked batches of {} failed: {}", what.get(), e.toString());
    } finally {
      draining.set(false);
    }
    if (!out.isEnded() && out.isReady() && !parked.isEmpty()) {
      drainSoon();
    }
  }
}
