package dev.gridqueue.cli.local;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.GridQueueException;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.proto.v1.SessionStats;
import dev.gridqueue.proto.v1.Stats;
import java.time.Duration;
import java.util.BitSet;

/**
 * One session of {@code tasks} tasks "t0".."t{n-1}" through the Java client, read to the end or
 * until no task ends for the stall timeout; then closed. Used by {@code soak} and the tests of
 * several servers to check that every task ends exactly once.
 */
public final class SessionRun {
  /** How the session went. {@code gridView} is set for an incomplete session. */
  public record Outcome(
      String sessionId,
      String address,
      int submitted,
      int results,
      int deadLetters,
      int duplicates,
      String failure,
      SessionStats gridView) {
    public boolean complete() {
      return failure == null && duplicates == 0 && results + deadLetters == submitted;
    }

    public int ended() {
      return results + deadLetters;
    }

    /** One line for a report. */
    public String describe() {
      StringBuilder s =
          new StringBuilder(
              String.format(
                  "session %s via %s: %,d of %,d tasks ended (%,d results, %,d dead letters, %,d duplicates)",
                  sessionId, address, ended(), submitted, results, deadLetters, duplicates));
      if (failure != null) {
        s.append("; failed: ").append(failure);
      }
      if (gridView != null) {
        s.append(
            String.format(
                "; the grid holds %,d queued, %,d done, %,d dead-letter batches; scheduler: %,d waiting, %,d running, %,d done",
                gridView.getGridBatchesQueued(),
                gridView.getGridBatchesDone(),
                gridView.getGridDeadLetterEntries(),
                gridView.getTasksWaiting(),
                gridView.getTasksRunning(),
                gridView.getTasksDone()));
      }
      return s.toString();
    }
  }

  private SessionRun() {}

  /** Runs one session of {@code app} on {@code client} (connected to {@code address}). */
  public static Outcome run(
      GridQueueClient client,
      String address,
      String app,
      int tasks,
      int batchSize,
      byte[] payload,
      Duration stall)
      throws InterruptedException {
    BitSet ended = new BitSet(tasks);
    int results = 0;
    int deadLetters = 0;
    int duplicates = 0;
    String failure = null;
    SessionStats gridView = null;
    TaskSession session =
        client.openSession(SessionOptions.forApp(app).batchSize(batchSize).build());
    try {
      for (int i = 0; i < tasks; i++) {
        session.submit("t" + i, payload);
      }
      session.finishSending();
      while (results + deadLetters < tasks) {
        TaskResult r = session.poll(stall);
        if (r == null) {
          break; // stalled, or the session ended early
        }
        int id = Integer.parseInt(r.taskId().substring(1));
        if (ended.get(id)) {
          duplicates++;
          continue;
        }
        ended.set(id);
        if (r.isDeadLetter()) {
          deadLetters++;
        } else {
          results++;
        }
      }
    } catch (GridQueueException e) {
      failure = e.getMessage();
    }
    if (results + deadLetters < tasks || failure != null) {
      gridView = gridView(client, session.id());
    }
    try {
      session.close();
    } catch (GridQueueException e) {
      if (failure == null) {
        failure = "closing: " + e.getMessage();
      }
    }
    return new Outcome(
        session.id(), address, tasks, results, deadLetters, duplicates, failure, gridView);
  }

  private static SessionStats gridView(GridQueueClient client, String sessionId) {
    try {
      Stats stats = client.stats(sessionId);
      return stats.getSessionsList().stream()
          .filter(s -> s.getSessionId().equals(sessionId))
          .findFirst()
          .orElse(SessionStats.newBuilder().setSessionId(sessionId).build());
    } catch (GridQueueException e) {
      return null;
    }
  }
}
