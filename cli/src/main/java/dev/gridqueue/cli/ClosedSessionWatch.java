package dev.gridqueue.cli;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.GridQueueException;
import io.grpc.Status;
import java.time.Duration;

/**
 * Tells submit's wait loop that its session was closed elsewhere ({@code gridqueue sessions close},
 * another client, the idle-session janitor): a closed session's results never come, and without
 * this submit waited until {@code --timeout-s}. Asks the grid (GetStats for the session, NOT_FOUND
 * once it is closed) at most every {@link #CHECK_EVERY}, only while no result arrives.
 */
final class ClosedSessionWatch {
  static final Duration CHECK_EVERY = Duration.ofSeconds(3);

  private final GridQueueClient client;
  private final String sessionId;
  private long nextCheckNanos;

  ClosedSessionWatch(GridQueueClient client, String sessionId) {
    this.client = client;
    this.sessionId = sessionId;
    this.nextCheckNanos = System.nanoTime() + CHECK_EVERY.toNanos();
  }

  /** Whether the session is known closed; asks the grid when a check is due. */
  boolean closed() {
    long now = System.nanoTime();
    if (now - nextCheckNanos < 0) {
      return false;
    }
    nextCheckNanos = now + CHECK_EVERY.toNanos();
    try {
      client.stats(sessionId);
      return false;
    } catch (GridQueueException e) {
      return e.status().getCode() == Status.Code.NOT_FOUND;
    }
  }

  /** What submit says when it stops waiting. */
  String message() {
    return "session "
        + sessionId
        + " was closed before all its tasks ended (gridqueue sessions close, another client, or"
        + " its idle timeout)";
  }
}
