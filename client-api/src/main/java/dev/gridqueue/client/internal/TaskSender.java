package dev.gridqueue.client.internal;

import com.google.protobuf.ByteString;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The send side of a session: collects submitted tasks into batches of the session's batch size,
 * writes a batch when it is full or flushed, waiting while the stream is not ready (gRPC flow
 * control, so a fast producer cannot exhaust memory on either side), and records every task sent as
 * unfinished. Acknowledgements ride on task batches, or go alone at most every {@link
 * Acknowledgements#ACK_DELAY_MILLIS} ms. After a failover it builds the batches that send the
 * unfinished tasks again. State guarded by the {@link SessionState} lock.
 */
public final class TaskSender {
  private final SessionState state;
  private final UnfinishedTasks unfinished;
  private final Acknowledgements acks;
  private final ScheduledExecutorService timer;
  private final String sessionId;
  private final int batchSize;
  private final List<Message> pending = new ArrayList<>();
  private int batchCounter;

  /** The shared-data level and batch attributes of the tasks queued from now on. */
  private UnfinishedTasks.Group group =
      new UnfinishedTasks.Group(UnfinishedTasks.NO_SHARED_DATA, Batch.getDefaultInstance());

  /** Tasks submitted since the session opened (whether sent yet or not). */
  private long submitted;

  public TaskSender(
      SessionState state,
      UnfinishedTasks unfinished,
      Acknowledgements acks,
      ScheduledExecutorService timer,
      String sessionId,
      int batchSize) {
    this.state = state;
    this.unfinished = unfinished;
    this.acks = acks;
    this.timer = timer;
    this.sessionId = sessionId;
    this.batchSize = batchSize;
  }

  /** Tasks per batch. */
  public int batchSize() {
    return batchSize;
  }

  /** Queues one task; writes the batch when it is full. */
  public void submit(String taskId, byte[] payload, String tag) {
    Message task =
        Message.newBuilder()
            .setId(taskId)
            .setPayload(ByteString.copyFrom(payload))
            .setTag(tag)
            .build();
    state.lock();
    try {
      pending.add(task);
      submitted++;
      if (pending.size() >= batchSize) {
        sendPending();
      }
    } finally {
      state.unlock();
    }
  }

  /**
   * Writes the queued tasks, then {@code task} in a batch of its own carrying {@code attributes}
   * (resources, category, priority, max retries).
   */
  public void submitAlone(Message task, Batch attributes) {
    state.lock();
    try {
      if (!pending.isEmpty()) {
        sendPending();
      }
      submitted++;
      Attachment attachment = state.awaitWritable();
      UnfinishedTasks.Group alone = new UnfinishedTasks.Group(group.level(), attributes);
      Batch.Builder batch = newBatch(alone).addMessages(task);
      unfinished.sent(task, alone);
      acks.drainInto(batch);
      attachment.send(batch.build());
    } finally {
      state.unlock();
    }
  }

  /** Queues a task built by the caller (a command task); writes the batch when it is full. */
  public void submit(Message task) {
    state.lock();
    try {
      pending.add(task);
      submitted++;
      if (pending.size() >= batchSize) {
        sendPending();
      }
    } finally {
      state.unlock();
    }
  }

  /** Writes the tasks queued since the last full batch. */
  public void flush() {
    state.lock();
    try {
      if (!pending.isEmpty()) {
        sendPending();
      }
    } finally {
      state.unlock();
    }
  }

  /**
   * Tasks queued from now on read shared-data {@code level} ({@link
   * UnfinishedTasks#NO_SHARED_DATA}: none). The queued tasks are written first, so no batch mixes
   * levels.
   */
  public void useSharedData(int level) {
    state.lock();
    try {
      flush();
      group = new UnfinishedTasks.Group(level, group.attributes());
    } finally {
      state.unlock();
    }
  }

  /**
   * Tasks queued from now on travel in batches carrying {@code attributes} (priority, category,
   * resources, max retries; the default instance for none). The queued tasks are written first, so
   * no batch mixes attributes.
   */
  public void useBatchAttributes(Batch attributes) {
    state.lock();
    try {
      flush();
      group = new UnfinishedTasks.Group(group.level(), attributes);
    } finally {
      state.unlock();
    }
  }

  /**
   * Tasks submitted so far ({@code submitted}); of them those not sent yet ({@code unsent}) and
   * those sent whose end has not arrived ({@code unfinished}).
   */
  public record Counts(long submitted, int unsent, int unfinished) {}

  /** What the session submitted, and where those tasks are. */
  public Counts counts() {
    state.lock();
    try {
      return new Counts(submitted, pending.size(), unfinished.size());
    } finally {
      state.unlock();
    }
  }

  /**
   * Writes what is queued, then tells the server no more tasks follow (with the acknowledgements
   * still waiting: none can follow a half-close). While re-attaching, the re-attach half-closes the
   * new stream once it has sent the unfinished tasks again.
   */
  public void finishSending() {
    state.lock();
    try {
      if (state.halfClosed() || state.closedByClient() || state.failover().isOver()) {
        return;
      }
      if (!pending.isEmpty()) {
        sendPending();
      }
      state.markHalfClosed();
      if (state.failover().state() == Failover.State.ATTACHED) {
        halfClose(state.attachment());
      }
    } finally {
      state.unlock();
    }
  }

  /**
   * Sends the waiting acknowledgements and half-closes {@code attachment}'s task stream. Lock held.
   */
  public void halfClose(Attachment attachment) {
    sendAcks(attachment);
    attachment.halfClose();
  }

  /** A delivery arrived: acknowledge it soon. Transport thread; never blocks. */
  public void acknowledge(String deliveryId) {
    if (deliveryId.isEmpty()) {
      return;
    }
    if (acks.add(deliveryId)) {
      try {
        timer.schedule(this::flushAcks, Acknowledgements.ACK_DELAY_MILLIS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException clientClosed) {
        acks.flushStarted();
      }
    }
  }

  /** Sends the acknowledgements no task batch took, in a batch of their own. Timer thread. */
  void flushAcks() {
    state.lock();
    try {
      acks.flushStarted();
      if (state.canSend()) {
        sendAcks(state.attachment());
      }
    } finally {
      state.unlock();
    }
  }

  /**
   * The batches that send every unfinished task again, each built when the stream takes it (the
   * acknowledgements waiting then ride on it). Used under the lock.
   */
  public Resend resend() {
    return new Resend(unfinished.byGroup());
  }

  private void sendPending() {
    Attachment attachment = state.awaitWritable();
    Batch.Builder batch = newBatch(group).addAllMessages(pending);
    for (Message m : pending) {
      unfinished.sent(m, group);
    }
    acks.drainInto(batch);
    pending.clear();
    attachment.send(batch.build());
  }

  private void sendAcks(Attachment attachment) {
    if (acks.isEmpty()) {
      return;
    }
    Batch.Builder batch = Batch.newBuilder().setSessionId(sessionId);
    acks.drainInto(batch);
    attachment.send(batch.build());
  }

  private Batch.Builder newBatch(UnfinishedTasks.Group group) {
    return newBatch(group.level()).mergeFrom(group.attributes());
  }

  private Batch.Builder newBatch(int level) {
    Batch.Builder batch =
        Batch.newBuilder().setId(Integer.toString(++batchCounter)).setSessionId(sessionId);
    if (level != UnfinishedTasks.NO_SHARED_DATA) {
      batch.setUseSharedData(true).setRequiredSharedDataUpdateLevel(level);
    }
    return batch;
  }

  /** Batches of the session's batch size, one shared-data level each, built one at a time. */
  public final class Resend implements Iterator<Batch> {
    private final Iterator<Map.Entry<UnfinishedTasks.Group, List<Message>>> levels;
    private UnfinishedTasks.Group level;
    private List<Message> tasks = List.of();
    private int from;
    private int tasksSent;

    private Resend(Map<UnfinishedTasks.Group, List<Message>> byLevel) {
      this.levels = byLevel.entrySet().iterator();
    }

    @Override
    public boolean hasNext() {
      while (from >= tasks.size() && levels.hasNext()) {
        Map.Entry<UnfinishedTasks.Group, List<Message>> next = levels.next();
        level = next.getKey();
        tasks = next.getValue();
        from = 0;
      }
      return from < tasks.size();
    }

    @Override
    public Batch next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      int to = Math.min(tasks.size(), from + batchSize);
      Batch.Builder batch = newBatch(level).addAllMessages(tasks.subList(from, to));
      acks.drainInto(batch);
      tasksSent += to - from;
      from = to;
      return batch.build();
    }

    /** Tasks in the batches built so far. */
    public int tasksSent() {
      return tasksSent;
    }
  }
}
