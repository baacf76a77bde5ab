package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.grid.errors.QuotaExceededException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Open streams per session on this node (client streams and dead-letter streams): each one costs a
 * result attachment, a scan and heap, so a session may hold at most {@code max} at once; one more
 * is refused with RESOURCE_EXHAUSTED naming the limit.
 */
final class SessionStreams {
  private final int max;
  private final Map<String, Integer> open = new ConcurrentHashMap<>();

  SessionStreams(int max) {
    this.max = max;
  }

  /** Takes a slot for a stream of {@code sessionId}; close it when the stream ends. */
  Slot open(String sessionId) {
    boolean[] taken = {false};
    open.compute(
        sessionId,
        (id, n) -> {
          int now = n == null ? 0 : n;
          if (now >= max) {
            return n;
          }
          taken[0] = true;
          return now + 1;
        });
    if (!taken[0]) {
      throw new QuotaExceededException(
          "session "
              + sessionId
              + " already has "
              + max
              + " streams open on this server; the limit is "
              + max
              + " per session (close streams the session no longer uses)");
    }
    return new Slot(sessionId);
  }

  /** Streams of {@code sessionId} open now. */
  int count(String sessionId) {
    return open.getOrDefault(sessionId, 0);
  }

  /** One stream's place; closing it twice frees it once. */
  final class Slot implements AutoCloseable {
    private final String sessionId;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Slot(String sessionId) {
      this.sessionId = sessionId;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        open.computeIfPresent(sessionId, (id, n) -> n <= 1 ? null : n - 1);
      }
    }
  }
}
