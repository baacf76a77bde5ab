package dev.gridqueue.worker.internal;

import dev.gridqueue.grid.store.BatchKeys;
import dev.gridqueue.grid.store.ClientBatches;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import java.util.ArrayList;
import java.util.List;
import org.apache.ignite.IgniteCache;

/**
 * Writes a run's outcome back to the grid: results of tasks that succeeded replace the queued
 * batch (state DONE, for the result stream); tasks that ended with an error go to the batch's
 * dead-letter entry (state DEAD, for the dead-letter stream), written first so a crash between the
 * two writes re-runs the batch rather than losing its dead letters.
 */
public final class ResultWriter {
  private final IgniteCache<String, StoredBatch> batches;

  public ResultWriter(IgniteCache<String, StoredBatch> batches) {
    this.batches = batches;
  }

  /** Returns false if the batch was no longer queued (done by another run, or its session closed). */
  public boolean write(String key, StoredBatch queued, int attempt, BatchRunner.Outcome outcome) {
    List<Message> ok = new ArrayList<>(outcome.tasks());
    List<Message> dead = new ArrayList<>();
    for (Message m : outcome.results()) {
      (m.hasError() ? dead : ok).add(m);
    }
    String deadKey = BatchKeys.deadLetters(key);
    boolean createdDead = false;
    if (!dead.isEmpty()) {
      Batch deadBatch =
          Batch.newBuilder().setId(outcome.batchId()).setSessionId(queued.sessionId()).setDead(true).addAllMessages(dead).build();
      createdDead = batches.putIfAbsent(deadKey, queued.deadLetters(attempt, deadBatch.toByteArray(), dead.size()));
    }
    Batch results =
        Batch.newBuilder()
            .setId(outcome.batchId())
            .setSessionId(queued.sessionId())
            .setPriority(outcome.priority())
            .addAllMessages(ok)
            .build();
    ClientBatches resultRuns = dead.isEmpty() ? queued.clientBatches() : survivors(queued.clientBatches(), outcome.results());
    boolean replaced = batches.replace(key, queued.done(attempt, results.toByteArray(), resultRuns));
    if (!replaced && createdDead) {
      batches.remove(deadKey);
    }
    return replaced;
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
