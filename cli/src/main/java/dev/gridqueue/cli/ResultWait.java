package dev.gridqueue.cli;

import dev.gridqueue.client.GridQueueException;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import io.grpc.Status;
import java.io.PrintStream;
import java.time.Duration;

/**
 * submit's wait for results, a second at a time. A session closed meanwhile ({@code gridqueue
 * sessions close}, another client, its idle timeout) ends the session's stream NOT_FOUND: the wait
 * says the session was closed and ends, instead of failing with the bare status.
 */
final class ResultWait {
  private static final Duration STEP = Duration.ofSeconds(1);

  private final TaskSession session;
  private final PrintStream out;
  private boolean closed;

  ResultWait(TaskSession session, PrintStream out) {
    this.session = session;
    this.out = out;
  }

  /** The next result within a second, or null (also once the session was closed: see closed). */
  TaskResult next() throws InterruptedException {
    if (closed) {
      return null;
    }
    try {
      return session.poll(STEP);
    } catch (GridQueueException e) {
      if (e.status().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
      out.println(
          "session "
              + session.id()
              + " was closed before all its tasks ended (gridqueue sessions close, another"
              + " client, or its idle timeout)");
      closed = true;
      return null;
    }
  }

  /** Whether the session was closed while waiting: no more results will come. */
  boolean closed() {
    return closed;
  }
}
