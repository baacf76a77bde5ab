package dev.gridqueue.grid.notice;

import dev.gridqueue.grid.store.BatchState;
import dev.gridqueue.grid.store.StoredBatch;
import java.io.Serializable;

/**
 * A batch's results (DONE) or dead letters (DEAD) were written: sent by the writer (a worker, a
 * polyglot worker's grid node, the scheduler giving up) to the grid node serving the session's
 * client, which passes it to the attached stream or forwards it once to the node the session's
 * stream is attached to now.
 *
 * <p>A notice from the grid census ({@link #fromCensus()}) names a batch that has waited in the
 * grid for a while and carries no value: the receiving stream ignores it if it knows the batch
 * (sent, waiting for the client's acknowledgement), and otherwise reads and delivers it.
 */
public final class BatchEnded implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String key;
  private final String sessionId;
  private final BatchState state;

  /** The written value; null in a census notice. */
  private final StoredBatch batch;

  private final boolean forwarded;
  private final boolean fromCensus;

  private BatchEnded(
      String key,
      String sessionId,
      BatchState state,
      StoredBatch batch,
      boolean forwarded,
      boolean fromCensus) {
    this.key = key;
    this.sessionId = sessionId;
    this.state = state;
    this.batch = batch;
    this.forwarded = forwarded;
    this.fromCensus = fromCensus;
  }

  /** The writer's notice, carrying what it wrote. */
  public static BatchEnded written(String key, StoredBatch batch) {
    return new BatchEnded(key, batch.sessionId(), batch.state(), batch, false, false);
  }

  /** The census' notice of a batch that has been waiting in the grid. */
  public static BatchEnded waiting(String key, String sessionId, BatchState state) {
    return new BatchEnded(key, sessionId, state, null, false, true);
  }

  /** This notice, passed on by a node whose stream for the session had moved. */
  public BatchEnded forwarded() {
    return new BatchEnded(key, sessionId, state, batch, true, fromCensus);
  }

  public String key() {
    return key;
  }

  public String sessionId() {
    return sessionId;
  }

  public BatchState state() {
    return state;
  }

  /** The written batch; null for a census notice (read it from the grid). */
  public StoredBatch batch() {
    return batch;
  }

  /** Already passed on once: not passed on again. */
  public boolean isForwarded() {
    return forwarded;
  }

  public boolean fromCensus() {
    return fromCensus;
  }
}
