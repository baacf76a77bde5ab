package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.proto.v1.Batch;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The intake of one client stream: a group commit. While few of the stream's batches are in the
 * grid, every batch is stored at once (no added latency). Under load (at least {@link
 * #COALESCE_ABOVE} stored batches awaiting delivery, or {@link #STORES_IN_FLIGHT} stores running)
 * arriving batches join a {@link PendingGroup}, stored as one grid batch when it fills, when a
 * store completes or a result is delivered, and at the latest {@link #LINGER_MICROS} µs after it
 * was started. Every grid operation downstream is per stored batch, so small client batches then
 * share them. Requesting more from the client pauses while the pending group is full.
 */
final class GroupCommit {
  static final int STORES_IN_FLIGHT = 4;
  static final int COALESCE_ABOVE = 16;
  static final long LINGER_MICROS = 1000;

  /** What the group commit tells its stream. */
  interface Stream {
    /** The client may send one more message. */
    void requestOne();

    /** A store failed: the stream fails with it. */
    void storeFailed(Throwable error);

    /** A store completed: the stream may have drained. */
    void stored();

    boolean isEnded();
  }

  private final BatchIntake intake;
  private final ScheduledExecutorService timer;
  private final Stream stream;
  private final Object lock = new Object();

  /** Keys stored from this stream whose batches are not yet delivered. */
  private final Set<String> undelivered = ConcurrentHashMap.newKeySet();

  private String sessionId; // guarded by lock
  private PendingGroup group; // guarded by lock
  private int storesInFlight; // guarded by lock
  private boolean paused; // guarded by lock

  GroupCommit(BatchIntake intake, ScheduledExecutorService timer, Stream stream) {
    this.intake = intake;
    this.timer = timer;
    this.stream = stream;
  }

  /**
   * Takes a validated batch of {@code sessionId}; {@code solo}: it stays a grid batch of its own
   * (sessions that place by resources). Asks the stream for the next message unless the pending
   * group is full.
   */
  void accept(String sessionId, Batch batch, boolean solo) {
    synchronized (lock) {
      this.sessionId = sessionId;
      if (group != null && !group.accepts(batch)) {
        storeGroup();
      }
      if (group == null) {
        group = new PendingGroup(batch, solo);
        if (!storeGroupIfDue()) {
          PendingGroup lingering = group;
          timer.schedule(() -> storeLingering(lingering), LINGER_MICROS, TimeUnit.MICROSECONDS);
        }
      } else {
        group.add(batch);
        storeGroupIfDue();
      }
      if (group != null && group.isFull()) {
        paused = true; // resume when a store completes and takes the group
      } else {
        stream.requestOne();
      }
    }
  }

  /** A batch stored from this stream was delivered: the load dropped, store what waits. */
  void delivered(String key) {
    undelivered.remove(key);
    synchronized (lock) {
      if (!stream.isEnded()) {
        storeGroupIfDue();
        resumeIfPaused();
      }
    }
  }

  /** Whether everything accepted was stored and delivered. */
  boolean drained() {
    if (!undelivered.isEmpty()) {
      return false;
    }
    synchronized (lock) {
      return group == null && storesInFlight == 0;
    }
  }

  /** Stores the pending group if the stream is not under load or the group is full. Holds lock. */
  private boolean storeGroupIfDue() {
    if (group != null
        && storesInFlight < STORES_IN_FLIGHT
        && (undelivered.size() < COALESCE_ABOVE || group.isFull())) {
      storeGroup();
      return true;
    }
    return false;
  }

  private void storeLingering(PendingGroup lingering) {
    synchronized (lock) {
      if (group == lingering && !stream.isEnded()) {
        if (storesInFlight < STORES_IN_FLIGHT) {
          storeGroup();
          resumeIfPaused();
        } else {
          timer.schedule(() -> storeLingering(lingering), LINGER_MICROS, TimeUnit.MICROSECONDS);
        }
      }
    }
  }

  /** Holds lock. */
  private void resumeIfPaused() {
    if (paused && (group == null || !group.isFull())) {
      paused = false;
      stream.requestOne();
    }
  }

  /** Stores the pending group. Holds lock. */
  private void storeGroup() {
    PendingGroup storing = group;
    group = null;
    String key = intake.newKey(sessionId);
    undelivered.add(key);
    storesInFlight++;
    intake.store(key, sessionId, storing).listen(stored -> onStored(key, stored));
  }

  private void onStored(String key, org.apache.ignite.lang.IgniteFuture<?> stored) {
    try {
      stored.get();
    } catch (RuntimeException e) {
      undelivered.remove(key);
      stream.storeFailed(e);
      return;
    }
    synchronized (lock) {
      storesInFlight--;
      if (stream.isEnded()) {
        return;
      }
      if (group != null && (undelivered.size() < COALESCE_ABOVE || group.isFull())) {
        storeGroup();
      }
      resumeIfPaused();
    }
    stream.stored();
  }
}
