package dev.gridqueue.grid.store;

import javax.cache.event.CacheEntryEvent;
import javax.cache.event.EventType;
import org.apache.ignite.cache.CacheEntryEventSerializableFilter;
import org.apache.ignite.lang.IgniteBiPredicate;
import org.apache.ignite.lang.IgniteClosure;

/**
 * Filters and transformers that run on the grid's data nodes for continuous and scan queries.
 * Static and serializable: they travel to the nodes that hold the data. Internal.
 */
public final class BatchFilters {
  private BatchFilters() {}

  /** Queued batches, for the scheduler's start-up scan. */
  public static final class Queued implements IgniteBiPredicate<String, StoredBatch> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean apply(String key, StoredBatch batch) {
      return batch.state() == BatchState.QUEUED;
    }
  }

  /** Sessions that were closed. */
  public static final class SessionGone
      implements CacheEntryEventSerializableFilter<String, SessionRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean evaluate(CacheEntryEvent<? extends String, ? extends SessionRecord> e) {
      return e.getEventType() == EventType.REMOVED || e.getEventType() == EventType.EXPIRED;
    }
  }

  /** The key of a session event. */
  public static final class SessionKey
      implements IgniteClosure<CacheEntryEvent<? extends String, ? extends SessionRecord>, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String apply(CacheEntryEvent<? extends String, ? extends SessionRecord> e) {
      return e.getKey();
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
