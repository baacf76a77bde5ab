package dev.gridqueue.grid.notice;

import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.store.BatchState;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.grid.store.StreamAttachments;
import java.util.UUID;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.IgniteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a session's results and dead letters go: the grid node its stream of that kind is attached
 * to (the replicated stream-attachments cache), and the {@link BatchEnded} notices sent there. Used
 * by every writer of results: workers, the grid nodes of polyglot workers, the scheduler when it
 * gives up on a batch.
 */
public final class DeliveryRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryRoutes.class);

  private final Ignite ignite;
  private final IgniteCache<String, UUID> attachments;

  public DeliveryRoutes(Ignite ignite) {
    this.ignite = ignite;
    this.attachments = ignite.cache(CacheNames.STREAM_ATTACHMENTS);
  }

  /** The node the session's stream for batches in {@code state} is attached to; null if none. */
  public UUID attachedNode(String sessionId, BatchState state) {
    String routing = StreamAttachments.routing(sessionId, state);
    return routing == null ? null : attachments.get(routing);
  }

  /**
   * As {@link #attachedNode}, from this node's own copy: for server nodes (they hold every
   * replicated entry), which must not wait on the network.
   */
  public UUID attachedNodeLocally(String sessionId, BatchState state) {
    String routing = StreamAttachments.routing(sessionId, state);
    return routing == null ? null : attachments.localPeek(routing);
  }

  /**
   * Tells the node serving the session that {@code batch} was written under {@code key}: the hinted
   * node if it is in the grid (the node the scheduler saw the session's stream on when it
   * dispatched the batch), else the node attached now. Nothing is sent if no stream is attached:
   * the batch waits in the grid for the next stream's scan.
   */
  public void announce(String key, StoredBatch batch, UUID hint) {
    BatchEnded notice = BatchEnded.written(key, batch);
    if (hint != null && send(hint, notice)) {
      return; // the hinted node forwards it if the session's stream has moved since
    }
    UUID attached = attachedNode(batch.sessionId(), batch.state());
    if (attached != null && !attached.equals(hint)) {
      send(attached, notice);
    }
  }

  /** Sends {@code notice} to {@code node}; false if the node is gone. */
  public boolean send(UUID node, BatchEnded notice) {
    try {
      ignite.message(ignite.cluster().forNodeId(node)).send(GridTopics.BATCH_ENDED, notice);
      return true;
    } catch (IgniteException e) {
      LOG.debug(
          "notice of batch {} not sent to node {} (gone?): {}", notice.key(), node, e.toString());
      return false;
    }
  }
}
