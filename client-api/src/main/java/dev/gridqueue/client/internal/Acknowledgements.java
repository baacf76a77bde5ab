package dev.gridqueue.client.internal;

import dev.gridqueue.proto.v1.Batch;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Delivery ids waiting to be acknowledged. They ride on the next task batch; when none goes out
 * soon, one batch of acknowledgements only carries them, at most one per {@code ACK_DELAY_MILLIS}
 * whatever the number of deliveries. Thread-safe: deliveries arrive on transport threads.
 */
public final class Acknowledgements {
  /** Acknowledgements wait at most this long for a task batch to ride on. */
  public static final long ACK_DELAY_MILLIS = 5;

  private final Queue<String> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean flushScheduled = new AtomicBoolean();

  /**
   * Adds a delivery to acknowledge. Returns true when the caller must schedule a flush in {@link
   * #ACK_DELAY_MILLIS}: none is scheduled yet.
   */
  public boolean add(String deliveryId) {
    waiting.add(deliveryId);
    return flushScheduled.compareAndSet(false, true);
  }

  /** The scheduled flush runs, or could not be scheduled: the next delivery schedules another. */
  public void flushStarted() {
    flushScheduled.set(false);
  }

  public boolean isEmpty() {
    return waiting.isEmpty();
  }

  /** Moves every waiting acknowledgement onto {@code batch}. */
  public void drainInto(Batch.Builder batch) {
    for (String id; (id = waiting.poll()) != null; ) {
      batch.addAckDeliveryIds(id);
    }
  }
}
