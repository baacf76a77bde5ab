package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.grid.notice.BatchesQueued;
import dev.gridqueue.grid.notice.GridTopics;
import dev.gridqueue.grid.notice.SchedulerLocation;
import dev.gridqueue.grid.store.QueuedBatchRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the scheduler about batches this node stored, in {@link BatchesQueued} notices of up to
 * {@link #MAX_PER_NOTICE} batches: whatever accumulated while the previous notice was being sent,
 * so a busy node sends few messages and an idle one adds no delay. The scheduler's node is read
 * after the batches are stored (see {@link SchedulerLocation} for why that is enough). A notice to
 * a scheduler node that just died is lost; the next scheduler's scan finds its batches.
 */
final class QueuedAnnouncer implements AutoCloseable {
  static final int MAX_PER_NOTICE = 1024;
  private static final Logger LOG = LoggerFactory.getLogger(QueuedAnnouncer.class);

  private final Ignite ignite;
  private final SchedulerLocation scheduler;
  private final Queue<QueuedBatchRef> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean sending = new AtomicBoolean();
  private final ExecutorService sender =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "gridqueue-announce");
            t.setDaemon(true);
            return t;
          });

  QueuedAnnouncer(Ignite ignite) {
    this.ignite = ignite;
    this.scheduler = new SchedulerLocation(ignite);
  }

  /** Queues a stored batch for the next notice. Never blocks. */
  void announce(QueuedBatchRef ref) {
    waiting.add(ref);
    if (sending.compareAndSet(false, true)) {
      try {
        sender.execute(this::sendWaiting);
      } catch (RejectedExecutionException stopping) {
        sending.set(false);
      }
    }
  }

  private void sendWaiting() {
    try {
      while (!waiting.isEmpty()) {
        List<QueuedBatchRef> refs = new ArrayList<>();
        for (QueuedBatchRef r; refs.size() < MAX_PER_NOTICE && (r = waiting.poll()) != null; ) {
          refs.add(r);
        }
        send(new BatchesQueued(refs));
      }
    } finally {
      sending.set(false);
    }
    if (!waiting.isEmpty() && sending.compareAndSet(false, true)) {
      sender.execute(this::sendWaiting); // added after the loop ended and before the flag cleared
    }
  }

  private void send(BatchesQueued notice) {
    UUID node = scheduler.current();
    if (node == null) {
      LOG.debug(
          "no scheduler has claimed a node yet; its start-up scan finds {} batches",
          notice.refs().size());
      return;
    }
    try {
      ignite.message(ignite.cluster().forNodeId(node)).send(GridTopics.BATCHES_QUEUED, notice);
    } catch (IgniteException e) {
      LOG.debug(
          "notice of {} queued batches not sent to the scheduler's node {} (gone?): {}",
          notice.refs().size(),
          node,
          e.toString());
    }
  }

  @Override
  public void close() {
    sender.shutdownNow();
  }
}
