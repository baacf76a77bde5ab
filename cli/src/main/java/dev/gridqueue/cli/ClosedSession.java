package dev.gridqueue.cli;

import dev.gridqueue.client.GridQueueException;
import io.grpc.Status;

/**
 * A session closed while submit waits for its results ({@code gridqueue sessions close}, another
 * client, its idle timeout): the grid ends the session's stream NOT_FOUND, and submit says so and
 * stops waiting instead of failing with the bare status.
 */
final class ClosedSession {
  private ClosedSession() {}

  /** Whether {@code e}, raised while waiting for results, says the session was closed. */
  static boolean is(GridQueueException e) {
    return e.status().getCode() == Status.Code.NOT_FOUND;
  }

  static String message(String sessionId) {
    return "session "
        + sessionId
        + " was closed before all its tasks ended (gridqueue sessions close, another client, or"
        + " its idle timeout)";
  }
}
