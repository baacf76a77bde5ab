package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.notice.BatchEnded;
import dev.gridqueue.grid.notice.DeliveryRoutes;
import dev.gridqueue.grid.notice.GridTopics;
import dev.gridqueue.grid.store.BatchFilters;
import dev.gridqueue.grid.store.BatchState;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.grid.store.StreamAttachments;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import javax.cache.Cache;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.query.QueryCursor;
import org.apache.ignite.cache.query.ScanQuery;
import org.apache.ignite.lang.IgniteBiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A grid node's feed of done batches (results) and dead-letter entries for the streams attached to
 * it. Writers of results send a {@link BatchEnded} notice to the node serving the session (see
 * {@link DeliveryRoutes}); the feed hands it to the attached stream, or passes it on once to the
 * node the session's stream is attached to now.
 *
 * <p>Why notices and not a continuous query on the batches cache: Ignite delivers a continuous
 * query's events of a partition in update-counter order, and a query registered while the partition
 * is being written can miss an update (apache/ignite IGNITE-5960); every later event of that
 * partition then waits behind the gap for good. With a query per stream, registered as the
 * session's first batch ran, one batch in about 60,000 was never delivered on a single node; with
 * two server nodes and no fault, some of each node's first batches were never delivered. A notice
 * that is lost anyway (its receiver died) is sent again by the grid census.
 *
 * <p>A stream attaches by recording this node in the replicated attachments cache, then scanning
 * for what is already waiting; detaching removes the record if it still names this node.
 */
final class ResultFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ResultFeed.class);

  private final Ignite ignite;
  private final UUID nodeId;
  private final IgniteCache<String, StoredBatch> batches;
  private final IgniteCache<String, UUID> attachments;
  private final DeliveryRoutes routes;
  private final Executor blockingCalls;

  /** Attachment key ({@link StreamAttachments}) to the stream reading it on this node. */
  private final Map<String, Attachment> attached = new ConcurrentHashMap<>();

  private final IgniteBiPredicate<UUID, Object> listener = this::onNotice;

  ResultFeed(Ignite ignite, Executor blockingCalls) {
    this.ignite = ignite;
    this.nodeId = ignite.cluster().localNode().id();
    this.batches = ignite.cache(CacheNames.BATCHES);
    this.attachments = ignite.cache(CacheNames.STREAM_ATTACHMENTS);
    this.routes = new DeliveryRoutes(ignite);
    this.blockingCalls = blockingCalls;
    ignite.message().localListen(GridTopics.BATCH_ENDED, listener);
  }

  private boolean onNotice(UUID from, Object message) {
    if (message instanceof java.util.Collection<?> notices) {
      notices.forEach(n -> route((BatchEnded) n)); // the census' notices of one round
    } else {
      route((BatchEnded) message);
    }
    return true;
  }

  private void route(BatchEnded notice) {
    String routing = StreamAttachments.routing(notice.sessionId(), notice.state());
    Attachment a = routing == null ? null : attached.get(routing);
    if (a != null) {
      if (notice.fromCensus()) {
        blockingCalls.execute(() -> a.recheck(notice.key()));
      } else {
        a.consumer.accept(notice.key(), notice.batch());
      }
      return;
    }
    UUID now = routing == null ? null : attachments.localPeek(routing);
    if (now != null && !now.equals(nodeId) && !notice.isForwarded()) {
      routes.send(now, notice.forwarded());
    } else {
      LOG.debug(
          "no stream of session {} attached here for batch {}; it waits in the grid",
          notice.sessionId(),
          notice.key());
    }
  }

  /**
   * Attaches {@code consumer} as the session's stream for batches in {@code state} (DONE: results;
   * DEAD: dead letters) on this node, and hands it those already waiting. {@code knows} tells
   * whether the stream has the batch already (sent, or parked for the client). Blocking (a
   * replicated write, then a scan): call it off the network threads. A batch may be handed over
   * twice (the scan overlapping a notice); the consumer deduplicates.
   */
  Attachment attach(
      String sessionId,
      BatchState state,
      BiConsumer<String, StoredBatch> consumer,
      Predicate<String> knows) {
    String routing = StreamAttachments.routing(sessionId, state);
    if (routing == null) {
      throw new IllegalArgumentException("batches in state " + state + " are never delivered");
    }
    Attachment a = new Attachment(routing, sessionId, state, consumer, knows);
    attached.put(routing, a);
    // Recorded before the scan: notices of batches written from now on come here; the scan finds
    // those written before (the stream's first batch may already be done).
    attachments.put(routing, nodeId);
    a.rescan();
    return a;
  }

  @Override
  public void close() {
    ignite.message().stopLocalListen(GridTopics.BATCH_ENDED, listener);
  }

  /** One stream's place in the feed. */
  final class Attachment implements AutoCloseable {
    private final String routing;
    private final String sessionId;
    private final BatchState state;
    private final BiConsumer<String, StoredBatch> consumer;
    private final Predicate<String> knows;

    private Attachment(
        String routing,
        String sessionId,
        BatchState state,
        BiConsumer<String, StoredBatch> consumer,
        Predicate<String> knows) {
      this.routing = routing;
      this.sessionId = sessionId;
      this.state = state;
      this.consumer = consumer;
      this.knows = knows;
    }

    /**
     * Hands the consumer every batch of the session waiting in the grid in this state; returns how
     * many. Blocking.
     */
    int rescan() {
      int found = 0;
      try (QueryCursor<Cache.Entry<String, StoredBatch>> waiting =
          batches.query(new ScanQuery<>(new BatchFilters.OfSessionInStateScan(sessionId, state)))) {
        for (Cache.Entry<String, StoredBatch> e : waiting) {
          consumer.accept(e.getKey(), e.getValue());
          found++;
        }
      }
      return found;
    }

    /**
     * The census found {@code key} waiting in the grid for a while: if the stream does not have it,
     * its notice was lost; read and deliver it. Blocking.
     */
    private void recheck(String key) {
      if (knows.test(key)) {
        return;
      }
      StoredBatch batch = batches.get(key);
      if (batch == null || batch.state() != state) {
        return; // acknowledged and removed meanwhile
      }
      LOG.warn(
          "delivery reconciliation: {} batch {} of session {} waited in the grid without reaching its stream "
              + "(its notice was lost); delivering it now",
          state == BatchState.DONE ? "result" : "dead-letter",
          key,
          sessionId);
      consumer.accept(key, batch);
    }

    /**
     * Detaches the stream; the grid forgets this node for the session unless another stream took
     * over.
     */
    @Override
    public void close() {
      if (attached.remove(routing, this) && !attached.containsKey(routing)) {
        attachments.removeAsync(routing, nodeId);
      }
    }
  }
}
