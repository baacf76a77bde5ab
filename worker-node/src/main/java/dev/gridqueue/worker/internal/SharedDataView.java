package dev.gridqueue.worker.internal;

import dev.gridqueue.worker.api.SharedData;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The shared data a batch's tasks read: one level of the session's shared data, behind the handler
 * API's {@link SharedData}. The payload is fetched on first use and shared by the batch's tasks;
 * decoded forms are kept per worker. Internal: do not use directly.
 */
public final class SharedDataView implements SharedData {
  private final String sessionId;
  private final int level;
  private final Supplier<byte[]> fetch;
  private final SharedObjectCache decoded;
  private volatile byte[] payload;

  public SharedDataView(
      String sessionId, int level, Supplier<byte[]> fetch, SharedObjectCache decoded) {
    this.sessionId = sessionId;
    this.level = level;
    this.fetch = fetch;
    this.decoded = decoded;
  }

  @Override
  public int level() {
    return level;
  }

  @Override
  public byte[] bytes() {
    byte[] p = payload;
    if (p == null) {
      synchronized (this) {
        if (payload == null) {
          payload = fetch.get();
        }
        p = payload;
      }
    }
    return p;
  }

  @Override
  public <T> T decoded(Function<byte[], T> decoder) {
    return decoded.get(sessionId, level, decoder, this::bytes);
  }
}
