package dev.gridqueue.scheduler.frontend;

import dev.gridqueue.grid.CacheNames;
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
 * A session's done batches, pushed to one client stream: those already waiting (a re-attaching
 * client gets what it missed) and those completing from now on. The same batch may be reported
 * twice (initial scan overlapping the live feed, a re-executed batch); the consumer deduplicates.
 */
final class ResultSubscription implements AutoCloseable {
  private final QueryCursor<Cache.Entry<String, StoredBatch>> cursor;
  private final IgniteCache<String, StoredBatch> batches;
  private final String sessionId;
  private final BiConsumer<String, StoredBatch> consumer;

  private ResultSubscription(
      QueryCursor<Cache.Entry<String, StoredBatch>> cursor,
      IgniteCache<String, StoredBatch> batches,
      String sessionId,
      BiConsumer<String, StoredBatch> consumer) {
    this.cursor = cursor;
    this.batches = batches;
    this.sessionId = sessionId;
    this.consumer = consumer;
  }

  /**
   * Looks for done batches again and hands them to the consumer. After a server node dies, an
   * event of a batch completed on it just before may never arrive; the batch itself survives on
   * its backup. Returns how many done batches are waiting (delivered ones are gone).
   */
  int rescan() {
    int found = 0;
    try (QueryCursor<Cache.Entry<String, StoredBatch>> done =
        batches.query(new ScanQuery<>(new GridFilters.DoneOfSessionScan(sessionId)))) {
      for (Cache.Entry<String, StoredBatch> e : done) {
        consumer.accept(e.getKey(), e.getValue());
        found++;
      }
    }
    return found;
  }

  /** Subscribes and delivers the waiting results on the calling thread before returning. */
  static ResultSubscription open(Ignite ignite, String sessionId, BiConsumer<String, StoredBatch> consumer) {
    IgniteCache<String, StoredBatch> batches = ignite.cache(CacheNames.BATCHES);
    ContinuousQuery<String, StoredBatch> query = new ContinuousQuery<>();
    query.setRemoteFilterFactory(FactoryBuilder.factoryOf(new GridFilters.DoneOfSession(sessionId)));
    query.setLocalListener(
        events -> {
          for (CacheEntryEvent<? extends String, ? extends StoredBatch> e : events) {
            consumer.accept(e.getKey(), e.getValue());
          }
        });
    query.setInitialQuery(new ScanQuery<>(new GridFilters.DoneOfSessionScan(sessionId)));
    QueryCursor<Cache.Entry<String, StoredBatch>> cursor = batches.query(query);
    for (Cache.Entry<String, StoredBatch> waiting : cursor) {
      consumer.accept(waiting.getKey(), waiting.getValue());
    }
    return new ResultSubscription(cursor, batches, sessionId, consumer);
  }

  @Override
  public void close() {
    cursor.close();
  }
}
