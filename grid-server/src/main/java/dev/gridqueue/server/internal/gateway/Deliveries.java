package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.grid.store.BatchState;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.proto.v1.Batch;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream's deliveries of one kind (results on ClientStream, dead letters on
 * ClientStreamDeadLetters): each stored batch sent once, at the client's pace (parked by key while
 * it is not ready, see {@link ParkedDeliveries}), with its key as {@code delivery_id}, and tracked
 * until the client acknowledges it (see {@link DeliveryLedger}).
 */
final class Deliveries {
  private static final Logger LOG = LoggerFactory.getLogger(Deliveries.class);

  /** Sweep the memory of sent keys once per this many deliveries. */
  private static final int FORGET_EVERY = 4096;

  /** Turns a stored batch into the messages to send; an empty list: nothing to send. */
  interface Encoder {
    List<Batch> encode(String key, StoredBatch batch) throws Exception;
  }

  private final OutboundStream<Batch> out;
  private final DeliveryLedger ledger;
  private final ParkedDeliveries parked;
  private final Encoder encoder;

  /** Told about every batch this stream is done with (sent, or had nothing to send). */
  private final java.util.function.Consumer<String> done;

  private final LongSupplier nanoClock;
  private final long rememberNanos;

  /** Keys sent (or discarded) on this stream, with when: a batch reported twice is sent once. */
  private final Map<String, Long> sent = new ConcurrentHashMap<>();

  private final AtomicLong count = new AtomicLong();

  Deliveries(
      OutboundStream<Batch> out,
      Executor blockingCalls,
      BatchState state,
      Function<Collection<String>, Map<String, StoredBatch>> load,
      DeliveryLedger ledger,
      Duration ackTimeout,
      Encoder encoder,
      java.util.function.Consumer<String> done,
      Supplier<String> what) {
    this.out = out;
    this.ledger = ledger;
    this.encoder = encoder;
    this.done = done;
    this.nanoClock = System::nanoTime;
    // A sent batch leaves the grid at the latest the ack timeout after it was sent, so a second
    // report of it can only come until shortly after: remembering it a minute longer suffices.
    this.rememberNanos = ackTimeout.plusMinutes(1).toNanos();
    this.parked = new ParkedDeliveries(out, blockingCalls, load, state, this::send, what);
  }

  /**
   * A batch for this stream: sent now if the client is ready and nothing waits before it, parked
   * otherwise.
   */
  void deliver(String key, StoredBatch batch) {
    if (out.isEnded() || sent.containsKey(key)) {
      return;
    }
    parked.deliver(key, batch);
  }

  /** Whether the stream has the batch already (sent, or parked for the client). */
  boolean knows(String key) {
    return sent.containsKey(key) || parked.holds(key);
  }

  private void send(String key, StoredBatch batch) {
    if (out.isEnded() || sent.putIfAbsent(key, nanoClock.getAsLong()) != null) {
      return;
    }
    if (count.incrementAndGet() % FORGET_EVERY == 0) {
      long cutoff = nanoClock.getAsLong() - rememberNanos;
      sent.values().removeIf(at -> at - cutoff < 0);
    }
    List<Batch> messages;
    try {
      messages = encoder.encode(key, batch);
    } catch (Exception e) {
      LOG.error("stored batch {} is corrupt; not delivered", key, e);
      return;
    }
    if (messages.isEmpty()) {
      ledger.discard(key); // nothing to send: it leaves the grid now
    } else {
      ledger.sent(key);
      if (!out.send(messages)) {
        return; // the stream ended: it stays unacknowledged in the grid for the next stream
      }
    }
    done.accept(key);
  }

  /** The client processed these deliveries: they leave the grid. */
  void acknowledged(Collection<String> keys) {
    ledger.acknowledged(keys);
  }

  /** Acknowledged on another stream of the session (which removes them): stop tracking them. */
  void acknowledgedElsewhere(Collection<String> keys) {
    ledger.forget(keys);
  }

  /** Lets deliveries sent longer than the ack timeout ago leave the grid. */
  void expire() {
    ledger.expire();
  }

  /** The stream completed normally: everything sent was delivered, and leaves the grid. */
  void releaseAll() {
    ledger.releaseAll();
  }
}
