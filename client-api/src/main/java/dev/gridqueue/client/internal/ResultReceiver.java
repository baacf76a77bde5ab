package dev.gridqueue.client.internal;

import dev.gridqueue.client.TaskResult;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.TaskRun;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The receive side: turns result and dead-letter batches into {@link TaskResult}s and hands each
 * task to the caller once. A task id that already ended (a batch run again after a failover, a
 * delivery sent again) is dropped and counted. Runs on transport threads; never blocks.
 */
public final class ResultReceiver {
  private static final byte[] NO_PAYLOAD = new byte[0];

  private final UnfinishedTasks unfinished;
  private final Inbox inbox;
  private final AtomicLong duplicatesDropped = new AtomicLong();

  public ResultReceiver(UnfinishedTasks unfinished, Inbox inbox) {
    this.unfinished = unfinished;
    this.inbox = inbox;
  }

  public void results(Batch results) {
    for (Message m : results.getMessagesList()) {
      if (firstEnd(m)) {
        String error = m.hasError() ? m.getError() : null;
        inbox.add(of(m, results, m.getPayload().toByteArray(), error, false));
      }
    }
  }

  /** Dead letters end their tasks like results do, so a caller waiting for N tasks is not stuck. */
  public void deadLetters(Batch letters) {
    for (Message m : letters.getMessagesList()) {
      if (firstEnd(m)) {
        String error = m.hasError() ? m.getError() : "dead letter";
        inbox.add(of(m, letters, NO_PAYLOAD, error, true));
      }
    }
  }

  private static TaskResult of(Message m, Batch batch, byte[] payload, String error, boolean dead) {
    return new TaskResult(
        m.getId(),
        payload,
        error,
        m.getAttempts(),
        dead,
        m.getResultCode(),
        m.getCommandResult(),
        run(batch, m));
  }

  /** The result's run with what its batch's results share (worker, host, attempt) filled in. */
  static TaskRun run(Batch batch, Message m) {
    if (!batch.hasRun()) {
      return m.getRun();
    }
    return batch.getRun().toBuilder().mergeFrom(m.getRun()).build();
  }

  /** Deliveries of a task that had already ended, dropped. */
  public long duplicatesDropped() {
    return duplicatesDropped.get();
  }

  private boolean firstEnd(Message m) {
    if (unfinished.end(m.getId())) {
      return true;
    }
    duplicatesDropped.incrementAndGet();
    return false;
  }
}
