package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.notice.BatchEnded;
import dev.gridqueue.grid.notice.DeliveryRoutes;
import dev.gridqueue.grid.notice.GridTopics;
import dev.gridqueue.grid.store.BatchKeys;
import dev.gridqueue.grid.store.BatchState;
import dev.gridqueue.grid.store.QueuedBatchRef;
import dev.gridqueue.grid.store.StoredBatch;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.cache.Cache;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.IgniteException;
import org.apache.ignite.binary.BinaryObject;
import org.apache.ignite.cache.CachePeekMode;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;

/**
 * One server node's count of the batches it holds as primary, run on every server node at once by
 * the scheduler's {@link Reconciler}. Values are read as binary objects, field by field: the tasks
 * and results are never decoded.
 *
 * <p>A batch is <em>settled</em> once it was accepted (queued) or written (done, dead) before the
 * census' cutoff: its notice, if it was ever going to arrive, has arrived. The census counts
 * settled queued batches per session, so the scheduler can compare them with what it knows; for
 * sessions the scheduler names, it lists them. For settled done batches and dead letters of
 * sessions with a stream attached, it sends that stream's node a census notice (see {@link
 * BatchEnded#waiting}): the stream delivers any it does not have.
 */
final class GridCensus implements IgniteCallable<GridCensus.Part> {
  private static final long serialVersionUID = 1L;

  /** Census notices one node sends per round at most (the next round sends the rest). */
  static final int MAX_WAITING_NOTICES = 10_000;

  private final long cutoffMillis;
  private final Set<String> listQueuedOf;

  @IgniteInstanceResource private transient Ignite ignite;

  /**
   * Settled means accepted or written before {@code cutoffMillis}; lists the queued batches of
   * {@code listQueuedOf}.
   */
  GridCensus(long cutoffMillis, Set<String> listQueuedOf) {
    this.cutoffMillis = cutoffMillis;
    this.listQueuedOf = Set.copyOf(listQueuedOf);
  }

  /** One session's queued batches in one node's part of the grid. */
  static final class SessionCount implements Serializable {
    private static final long serialVersionUID = 1L;
    long queuedBatches;
    long queuedTasks;
    long settledQueuedBatches;
    long doneBatches;
    long deadLetterEntries;

    void add(SessionCount other) {
      queuedBatches += other.queuedBatches;
      queuedTasks += other.queuedTasks;
      settledQueuedBatches += other.settledQueuedBatches;
      doneBatches += other.doneBatches;
      deadLetterEntries += other.deadLetterEntries;
    }
  }

  /** What one node found. */
  static final class Part implements Serializable {
    private static final long serialVersionUID = 1L;
    final Map<String, SessionCount> sessions = new HashMap<>();
    final List<QueuedBatchRef> listed = new ArrayList<>();
    int waitingNotices;
  }

  @Override
  public Part call() {
    IgniteCache<Object, BinaryObject> batches = ignite.cache(CacheNames.BATCHES).withKeepBinary();
    DeliveryRoutes routes = new DeliveryRoutes(ignite);
    Part part = new Part();
    Map<UUID, List<BatchEnded>> waiting = new HashMap<>();
    for (Cache.Entry<Object, BinaryObject> e : batches.localEntries(CachePeekMode.PRIMARY)) {
      String key = (String) e.getKey();
      BinaryObject batch = e.getValue();
      String session = BatchKeys.sessionOf(key);
      BatchState state = stateOf(batch);
      SessionCount count = part.sessions.computeIfAbsent(session, s -> new SessionCount());
      if (state == BatchState.DONE) {
        count.doneBatches++;
      } else if (state == BatchState.DEAD) {
        count.deadLetterEntries++;
      }
      if (state == BatchState.QUEUED) {
        count.queuedBatches++;
        count.queuedTasks += batch.<Integer>field("taskCount");
        if (StoredBatch.acceptedAtMillis(batch.<Long>field("sequence")) < cutoffMillis) {
          count.settledQueuedBatches++;
          if (listQueuedOf.contains(session)) {
            part.listed.add(QueuedBatchRef.of(key, batch.deserialize()));
          }
        }
      } else if (batch.<Long>field("endedAtMillis") < cutoffMillis
          && part.waitingNotices < MAX_WAITING_NOTICES) {
        UUID node = routes.attachedNodeLocally(session, state);
        if (node != null) {
          waiting
              .computeIfAbsent(node, n -> new ArrayList<>())
              .add(BatchEnded.waiting(key, session, state));
          part.waitingNotices++;
        }
      }
    }
    waiting.forEach(
        (node, notices) -> {
          try {
            ignite
                .message(ignite.cluster().forNodeId(node))
                .send(GridTopics.BATCH_ENDED, (Collection<?>) notices);
          } catch (IgniteException gone) {
            // the node left; its streams re-attach elsewhere and scan
          }
        });
    return part;
  }

  private static BatchState stateOf(BinaryObject batch) {
    Object state = batch.field("state");
    int ordinal = state instanceof BinaryObject b ? b.enumOrdinal() : ((Enum<?>) state).ordinal();
    return BatchState.values()[ordinal];
  }

  /** The grid's census: the nodes' parts added up. */
  static final class Census {
    final Map<String, SessionCount> sessions = new HashMap<>();
    final List<QueuedBatchRef> listed = new ArrayList<>();
    int waitingNotices;

    static Census of(Collection<Part> parts) {
      Census census = new Census();
      for (Part p : parts) {
        p.sessions.forEach(
            (s, c) -> census.sessions.computeIfAbsent(s, x -> new SessionCount()).add(c));
        census.listed.addAll(p.listed);
        census.waitingNotices += p.waitingNotices;
      }
      return census;
    }

    /** Tasks of the session queued or running in the grid (0 if none). */
    long queuedTasks(String sessionId) {
      return of(sessionId).queuedTasks;
    }

    /** The session's count (all zero if the grid holds nothing of it). */
    SessionCount of(String sessionId) {
      SessionCount c = sessions.get(sessionId);
      return c == null ? new SessionCount() : c;
    }
  }
}
