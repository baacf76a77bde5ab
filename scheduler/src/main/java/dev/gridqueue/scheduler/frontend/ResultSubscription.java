package dev.gridqueue.scheduler.frontend;

import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.store.BatchState;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.scheduler.internal.GridFilters;
import java.util.function.BiConsumer;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.event.CacheEntryEvent;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.query.ContinuousQuery;
import org.apache.ignite.cache.query.QueryCursor;
import org.apache.ignite.cache.query.ScanQuery;

/**
 * A session's batches in one state, pushed to one stream: DONE batches (results) to a client
 * stream, DEAD entries (dead letters) to a dead-letter stream. Those already waiting (a
 * re-attaching client gets what it missed) and those arriving from now on. The same batch may be
 * reported twice (initial scan overlapping the live feed, a re-executed batch, a re-scan of a
 * delivery not yet acknowledged); the consumer deduplicates.
 */
final class ResultSubscription implements AutoCloseable {
  private final QueryCursor<Cache.Entry<String, StoredBatch>> cursor;
  private final IgniteCache<String, StoredBatch> batches;
  private final String sessionId;
  private final BatchState state;
  private final BiConsumer<String, StoredBatch> consumer;

  private ResultSubscription(
      QueryCursor<Cache.Entry<String, StoredBatch>> cursor,
      IgniteCache<String, StoredBatch> batches,
      String sessionId,
      BatchState state,
      BiConsumer<String, StoredBatch> consumer) {
    this.cursor = cursor;
    this.batches = batches;
    this.sessionId = sessionId;
    this.state = state;
    this.consumer = consumer;
  }

  /**
   * Looks for waiting batches again and hands them to the consumer. After a server node dies, an
   * event of a batch completed on it just before may never arrive; the batch itself survives on
   * its backup. Returns how many batches are waiting (delivered and acknowledged ones are gone).
   */
  int rescan() {
    int found = 0;
    try (QueryCursor<Cache.Entry<String, StoredBatch>> waiting =
        batches.query(new ScanQuery<>(new GridFilters.OfSessionInStateScan(sessionId, state)))) {
      for (Cache.Entry<String, StoredBatch> e : waiting) {
        consumer.accept(e.getKey(), e.getValue());
        found++;
      }
    }
    return found;
  }

  /** The session's results: DONE batches. */
  static ResultSubscription open(Ignite ignite, String sessionId, BiConsumer<String, StoredBatch> consumer) {
    return open(ignite, sessionId, BatchState.DONE, consumer);
  }

  /** Subscribes and delivers the waiting batches on the calling thread before returning. */
  static ResultSubscription open(
      Ignite ignite, String sessionId, BatchState state, BiConsumer<String, StoredBatch> consumer) {
    IgniteCache<String, StoredBatch> batches = ignite.cache(CacheNames.BATCHES);
    ContinuousQuery<String, StoredBatch> query = new ContinuousQuery<>();
    query.setRemoteFilterFactory(FactoryBuilder.factoryOf(new GridFilters.OfSessionInState(sessionId, state)));
    query.setLocalListener(
        events -> {
          for (CacheEntryEvent<? extends String, ? extends StoredBatch> e : events) {
            consumer.accept(e.getKey(), e.getValue());
          }
        });
    query.setInitialQuery(new ScanQuery<>(new GridFilters.OfSessionInStateScan(sessionId, state)));
    QueryCursor<Cache.Entry<String, StoredBatch>> cursor = batches.query(query);
    for (Cache.Entry<String, StoredBatch> waiting : cursor) {
      consumer.accept(waiting.getKey(), waiting.getValue());
    }
    return new ResultSubscription(cursor, batches, sessionId, state, consumer);
  }

  @Override
  public void close() {
    cursor.close();
  }
}
