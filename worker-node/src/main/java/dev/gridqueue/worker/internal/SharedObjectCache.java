package dev.gridqueue.worker.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Decoded shared data kept on a worker (ALPCRUN.CH's "worker caching" pattern): a handler that
 * turns a level's bytes into, say, a model decodes it once per worker, not once per task. Keyed by
 * session, level and decoder class; the least recently used entries go first. Internal.
 */
public final class SharedObjectCache {
  private static final int MAX_ENTRIES = 32;

  private final Map<String, Object> entries =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
          return size() > MAX_ENTRIES;
        }
      };

  @SuppressWarnings("unchecked")
  public <T> T get(
      String sessionId, int level, Function<byte[], T> decoder, Supplier<byte[]> payload) {
    String key = sessionId + "/" + level + "/" + decoder.getClass().getName();
    synchronized (entries) {
      Object cached = entries.get(key);
      if (cached != null) {
        return (T) cached;
      }
    }
    T value = decoder.apply(payload.get()); // outside the lock: decoding may be slow
    synchronized (entries) {
      Object raced = entries.putIfAbsent(key, value);
      return raced != null ? (T) raced : value;
    }
  }
}
