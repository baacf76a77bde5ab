package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.BatchKeys;
import dev.gridqueue.grid.store.BatchState;
import dev.gridqueue.grid.store.SessionRecord;
import dev.gridqueue.grid.store.StoredBatch;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.EventType;
import org.apache.ignite.cache.CacheEntryEventSerializableFilter;
import org.apache.ignite.lang.IgniteAsyncCallback;
import org.apache.ignite.lang.IgniteBiPredicate;
import org.apache.ignite.lang.IgniteClosure;

/**
 * Filters and transformers that run on the grid's data nodes for continuous and scan queries.
 * Static and serializable: they travel to the nodes that hold the data. Internal.
 */
public final class GridFilters {
  private GridFilters() {}

  /** Newly accepted batches. */
  static final class NewlyQueued implements CacheEntryEventSerializableFilter<String, StoredBatch> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean evaluate(CacheEntryEvent<? extends String, ? extends StoredBatch> e) {
      return e.getEventType() == EventType.CREATED && e.getValue().state() == BatchState.QUEUED;
    }
  }

  /** Queued batches, for the scheduler's start-up scan. */
  static final class Queued implements IgniteBiPredicate<String, StoredBatch> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean apply(String key, StoredBatch batch) {
      return batch.state() == BatchState.QUEUED;
    }
  }

  /** Only the scheduling-relevant part of a queued batch crosses the network. */
  static final class ToRef
      implements IgniteClosure<CacheEntryEvent<? extends String, ? extends StoredBatch>, QueuedBatchRef> {
    private static final long serialVersionUID = 1L;

    @Override
    public QueuedBatchRef apply(CacheEntryEvent<? extends String, ? extends StoredBatch> e) {
      StoredBatch b = e.getValue();
      return QueuedBatchRef.of(e.getKey(), b);
    }
  }

  /** Sessions that were closed. */
  static final class SessionGone implements CacheEntryEventSerializableFilter<String, SessionRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean evaluate(CacheEntryEvent<? extends String, ? extends SessionRecord> e) {
      return e.getEventType() == EventType.REMOVED || e.getEventType() == EventType.EXPIRED;
    }
  }

  /** The key of a session event. */
  static final class SessionKey
      implements IgniteClosure<CacheEntryEvent<? extends String, ? extends SessionRecord>, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String apply(CacheEntryEvent<? extends String, ? extends SessionRecord> e) {
      return e.getKey();
    }
  }

  /**
   * Batches of one session entering one state (DONE: results; DEAD: dead letters), as they do.
   * Asynchronous callback: the listener may touch the cache, which must not happen inside the
   * update that notified it.
   */
  @IgniteAsyncCallback
  public static final class OfSessionInState implements CacheEntryEventSerializableFilter<String, StoredBatch> {
    private static final long serialVersionUID = 1L;
    private final String sessionId;
    private final BatchState state;

    public OfSessionInState(String sessionId, BatchState state) {
      this.sessionId = sessionId;
      this.state = state;
    }

    @Override
    public boolean evaluate(CacheEntryEvent<? extends String, ? extends StoredBatch> e) {
      return (e.getEventType() == EventType.CREATED || e.getEventType() == EventType.UPDATED)
          && e.getValue().state() == state
          && sessionId.equals(e.getValue().sessionId());
    }
  }

  /** Batches of one session in one state already in the cache, for a stream that (re)attaches. */
  public static final class OfSessionInStateScan implements IgniteBiPredicate<String, StoredBatch> {
    private static final long serialVersionUID = 1L;
    private final String sessionId;
    private final BatchState state;

    public OfSessionInStateScan(String sessionId, BatchState state) {
      this.sessionId = sessionId;
      this.state = state;
    }

    @Override
    public boolean apply(String key, StoredBatch batch) {
      return batch.state() == state && BatchKeys.belongsTo(key, sessionId);
    }
  }

  /** Every batch key of one session, for closing it. */
  public static final class KeysOfSession implements IgniteBiPredicate<String, StoredBatch> {
    private static final long serialVersionUID = 1L;
    private final String sessionId;

    public KeysOfSession(String sessionId) {
      this.sessionId = sessionId;
    }

    @Override
    public boolean apply(String key, StoredBatch batch) {
      return BatchKeys.belongsTo(key, sessionId);
    }
  }

}
