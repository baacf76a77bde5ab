package dev.gridqueue.grid.store;

import java.util.Objects;

/**
 * What the batches cache holds for one accepted batch, from acceptance to delivery. {@code payload}
 * is the serialized {@code gridqueue.v1.Batch}: the tasks while queued, the results once done. Kept
 * as bytes so the grid never re-encodes task data on the way through.
 *
 * <p>Under load the frontend coalesces several small client batches into one stored batch; {@link
 * #clientBatches()} then says which client batch each run of tasks came from, so results go back to
 * the client batch by batch.
 */
public final class StoredBatch {
  private final String sessionId;
  private final long sequence;
  private final int priority;
  private final BatchState state;
  private final int attempts;
  private final byte[] payload;
  private final ClientBatches clientBatches;
  private final int taskCount;

  /** Resources the batch declared itself (null: none; its category or session may say). */
  private ResourceAmounts need;

  /** Work Queue-style category, or null. */
  private String category;

  /** The batch's own max_retries; -1: the session's. */
  private int maxRetries = -1;

  /** When it became DONE or DEAD (epoch millis, the writer's clock); 0 while queued. */
  private long endedAtMillis;

  /** Bits of {@link #sequence()} below the acceptance time: a per-node counter breaking ties. */
  private static final int SEQUENCE_COUNTER_BITS = 20;

  /**
   * A batch's acceptance order: the accepting node's clock first, so FIFO holds roughly across grid
   * nodes, then its counter.
   */
  public static long sequence(long acceptedAtMillis, long counter) {
    return (acceptedAtMillis << SEQUENCE_COUNTER_BITS)
        | (counter & ((1L << SEQUENCE_COUNTER_BITS) - 1));
  }

  /** The acceptance time a {@link #sequence(long, long)} holds. */
  public static long acceptedAtMillis(long sequence) {
    return sequence >>> SEQUENCE_COUNTER_BITS;
  }

  public StoredBatch(
      String sessionId,
      long sequence,
      int priority,
      BatchState state,
      int attempts,
      byte[] payload,
      ClientBatches clientBatches,
      int taskCount) {
    this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
    this.sequence = sequence;
    this.priority = priority;
    this.state = Objects.requireNonNull(state, "state");
    this.attempts = attempts;
    this.payload = Objects.requireNonNull(payload, "payload");
    this.clientBatches = clientBatches;
    this.taskCount = taskCount;
  }

  /** A batch just accepted from a client; {@code clientBatches} null if it is one client batch. */
  public static StoredBatch queued(
      String sessionId,
      long sequence,
      int priority,
      byte[] tasks,
      ClientBatches clientBatches,
      int taskCount) {
    return new StoredBatch(
        sessionId, sequence, priority, BatchState.QUEUED, 0, tasks, clientBatches, taskCount);
  }

  /** A batch just accepted from a client, made of one client batch (task count unknown: 0). */
  public static StoredBatch queued(String sessionId, long sequence, int priority, byte[] tasks) {
    return queued(sessionId, sequence, priority, tasks, null, 0);
  }

  /** This batch with the resources and category it declared (null: none). */
  public StoredBatch withPlacement(ResourceAmounts need, String category) {
    StoredBatch copy =
        new StoredBatch(
            sessionId, sequence, priority, state, attempts, payload, clientBatches, taskCount);
    copy.need = need == null || need.isNone() ? null : need;
    copy.category = category == null || category.isEmpty() ? null : category;
    copy.maxRetries = maxRetries;
    return copy;
  }

  /** This batch with its own max_retries (-1: the session's). */
  public StoredBatch withMaxRetries(int maxRetries) {
    StoredBatch copy = withPlacement(need, category);
    copy.maxRetries = maxRetries;
    return copy;
  }

  /** The batch's own max_retries; -1 when the session's applies. */
  public int maxRetries() {
    return maxRetries;
  }

  /** Resources the batch declared itself; null if it declared none. */
  public ResourceAmounts need() {
    return need;
  }

  /** The batch's category; null if none. */
  public String category() {
    return category;
  }

  /** Tasks in the batch, as counted at acceptance (0 if not counted). */
  public int taskCount() {
    return taskCount;
  }

  /** This batch, done at {@code nowMillis}, carrying its results instead of its tasks. */
  public StoredBatch done(int attempts, byte[] results, long nowMillis) {
    return done(attempts, results, clientBatches, nowMillis);
  }

  /**
   * This batch, done, with results for only some of its tasks (the others went to dead letters).
   */
  public StoredBatch done(
      int attempts, byte[] results, ClientBatches resultBatches, long nowMillis) {
    StoredBatch done =
        new StoredBatch(
                sessionId,
                sequence,
                priority,
                BatchState.DONE,
                attempts,
                results,
                resultBatches,
                taskCount)
            .withPlacement(need, category);
    done.endedAtMillis = nowMillis;
    return done;
  }

  /**
   * The dead-letter entry of this batch, written at {@code nowMillis}: {@code deadTasks} tasks
   * without a result.
   */
  public StoredBatch deadLetters(int attempts, byte[] deadBatch, int deadTasks, long nowMillis) {
    StoredBatch dead =
        new StoredBatch(
            sessionId, sequence, priority, BatchState.DEAD, attempts, deadBatch, null, deadTasks);
    dead.endedAtMillis = nowMillis;
    return dead;
  }

  /** When the batch became DONE or DEAD (epoch millis, the writer's clock); 0 while queued. */
  public long endedAtMillis() {
    return endedAtMillis;
  }

  /** The client batches coalesced into this one, in task order; null if it is a single one. */
  public ClientBatches clientBatches() {
    return clientBatches;
  }

  public String sessionId() {
    return sessionId;
  }

  /**
   * Acceptance order within the grid: FIFO among batches of equal priority (see {@link
   * #sequence(long, long)}).
   */
  public long sequence() {
    return sequence;
  }

  public int priority() {
    return priority;
  }

  public BatchState state() {
    return state;
  }

  public int attempts() {
    return attempts;
  }

  public byte[] payload() {
    return payload;
  }
}
