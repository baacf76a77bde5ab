package dev.gridqueue.grid.work;

import dev.gridqueue.grid.notice.DeliveryRoutes;
import dev.gridqueue.grid.store.BatchKeys;
import dev.gridqueue.grid.store.BatchState;
import dev.gridqueue.grid.store.ClientBatches;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.lang.IgniteFuture;

/**
 * Writes a run's outcome back to the grid: results of tasks that succeeded replace the queued batch
 * (state DONE, for the result stream); tasks that ended with an error go to the batch's dead-letter
 * entry (state DEAD, for the dead-letter stream), written first so a crash between the two writes
 * re-runs the batch rather than losing its dead letters.
 */
public final class ResultWriter {
  private final IgniteCache<String, StoredBatch> batches;
  private final java.util.function.LongSupplier wallClock;

  public ResultWriter(IgniteCache<String, StoredBatch> batches) {
    this(batches, System::currentTimeMillis);
  }

  public ResultWriter(
      IgniteCache<String, StoredBatch> batches, java.util.function.LongSupplier wallClock) {
    this.batches = batches;
    this.wallClock = wallClock;
  }

  /**
   * What was written: the done batch, and the dead-letter entry if some tasks ended without a
   * result (null if none).
   */
  public record Written(String key, StoredBatch done, String deadKey, StoredBatch dead) {
    /** Tells the node serving the session (see {@link DeliveryRoutes#announce}). */
    public void announce(DeliveryRoutes routes, java.util.UUID hint) {
      routes.announce(key, done, hint);
      if (dead != null) {
        routes.announce(deadKey, dead, hint);
      }
    }

    /** Bytes written: the results and, if any, the dead letters. */
    public long bytes() {
      return done.payload().length + (dead == null ? 0L : dead.payload().length);
    }
  }

  /**
   * Writes the outcome; returns what was written, or null if the batch was no longer there (its
   * session closed, or it was delivered after another run). Blocking.
   */
  public Written write(String key, StoredBatch queued, int attempt, RunOutcome outcome) {
    return writeAsync(key, queued, attempt, outcome).join();
  }

  /**
   * As {@link #write}, without holding a thread while the grid's copies are written: the worker's
   * slots are for running tasks, not for waiting on the network.
   */
  public CompletableFuture<Written> writeAsync(
      String key, StoredBatch queued, int attempt, RunOutcome outcome) {
    long now = wallClock.getAsLong();
    List<Message> ok = new ArrayList<>(outcome.tasks());
    List<Message> dead = new ArrayList<>();
    for (Message m : outcome.results()) {
      (m.hasError() ? dead : ok).add(m);
    }
    Batch results = outcome.resultBatch(queued.sessionId(), ok).build();
    ClientBatches resultRuns =
        dead.isEmpty()
            ? queued.clientBatches()
            : survivors(queued.clientBatches(), outcome.results());
    StoredBatch done = queued.done(attempt, results.toByteArray(), resultRuns, now);
    if (dead.isEmpty()) {
      return completable(batches.replaceAsync(key, done))
          .thenApply(replaced -> replaced ? new Written(key, done, null, null) : null);
    }
    // Dead letters first: a crash between the two writes runs the batch again rather than
    // losing them.
    String deadKey = BatchKeys.deadLetters(key);
    Batch deadBatch =
        outcome.resultBatch(queued.sessionId(), dead).clearPriority().setDead(true).build();
    StoredBatch deadEntry = queued.deadLetters(attempt, deadBatch.toByteArray(), dead.size(), now);
    return completable(batches.putIfAbsentAsync(deadKey, deadEntry))
        .thenCompose(
            created ->
                completable(batches.replaceAsync(key, done))
                    .thenCompose(
                        replaced -> {
                          if (replaced) {
                            // an earlier run wrote the dead letters if this one did not: they are
                            // on their way
                            return CompletableFuture.completedFuture(
                                new Written(
                                    key,
                                    done,
                                    created ? deadKey : null,
                                    created ? deadEntry : null));
                          }
                          if (!created) {
                            return CompletableFuture.completedFuture(null);
                          }
                          return completable(batches.removeAsync(deadKey))
                              .thenApply(removed -> null);
                        }));
  }

  private static <T> CompletableFuture<T> completable(IgniteFuture<T> future) {
    CompletableFuture<T> done = new CompletableFuture<>();
    future.listen(
        f -> {
          try {
            done.complete(f.get());
          } catch (RuntimeException e) {
            done.completeExceptionally(e);
          }
        });
    return done;
  }

  /**
   * Ends a queued batch the scheduler gave up on: every task becomes a dead letter carrying {@code
   * reason} and {@code attempts}. Returns what was written, or null if the batch was no longer
   * queued. Blocking.
   */
  public Written writeGivenUp(String key, int attempts, String reason) {
    StoredBatch queued = batches.get(key);
    if (queued == null || queued.state() != BatchState.QUEUED) {
      return null;
    }
    Batch tasks;
    try {
      tasks = Batch.parseFrom(queued.payload());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored tasks of batch " + key + " are corrupt", e);
    }
    List<Message> results = new ArrayList<>(tasks.getMessagesCount());
    for (Message task : tasks.getMessagesList()) {
      results.add(
          Message.newBuilder()
              .setId(task.getId())
              .setRelatedId(task.getId())
              .setAttempts(attempts)
              .setError(reason)
              .setResultCode(dev.gridqueue.proto.v1.ResultCode.RESULT_MAX_RETRIES)
              .build());
    }
    return write(
        key,
        queued,
        attempts,
        new RunOutcome(tasks.getId(), tasks.getPriority(), results, results.size(), 0, 0));
  }

  /** The client batches of the results that remain once failed tasks are taken out. */
  static ClientBatches survivors(ClientBatches runs, List<Message> results) {
    if (runs == null) {
      return null;
    }
    List<String> ids = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    int index = 0;
    for (int r = 0; r < runs.count(); r++) {
      int kept = 0;
      for (int i = 0; i < runs.size(r); i++, index++) {
        if (!results.get(index).hasError()) {
          kept++;
        }
      }
      ids.add(runs.id(r));
      sizes.add(kept);
    }
    return new ClientBatches(ids, sizes);
  }
}
