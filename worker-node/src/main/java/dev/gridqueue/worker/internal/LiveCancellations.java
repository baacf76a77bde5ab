package dev.gridqueue.worker.internal;

import dev.gridqueue.grid.store.CancelSet;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A session's cancellations as one running batch sees them: read again at most every {@link
 * #REFRESH_NANOS}, so a cancel reaches the tasks a long batch has not started yet (the server
 * merges small client batches under load) without a cache read per task. Used by the batch's thread
 * and by the timer looking for a cancel of its running task ({@link RunningTaskCancel}).
 */
public final class LiveCancellations implements Supplier<CancelSet> {
  static final long REFRESH_NANOS = 10_000_000;

  private final Supplier<CancelSet> read;
  private final LongSupplier clock;
  private CancelSet current;
  private long readAt;

  public LiveCancellations(Supplier<CancelSet> read) {
    this(read, System::nanoTime);
  }

  LiveCancellations(Supplier<CancelSet> read, LongSupplier clock) {
    this.read = read;
    this.clock = clock;
    this.current = read.get();
    this.readAt = clock.getAsLong();
  }

  @Override
  public synchronized CancelSet get() {
    long now = clock.getAsLong();
    if (now - readAt >= REFRESH_NANOS) {
      current = read.get();
      readAt = now;
    }
    return current;
  }
}
