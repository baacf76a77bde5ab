package dev.gridqueue.shareddata;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import javax.cache.processor.MutableEntry;
import org.apache.ignite.cache.CacheEntryProcessor;

/**
 * The bytes of a session's live shared-data levels, kept in one entry of the shared-data cache so
 * that the session's quota holds on every grid node. A level counts until its TTL ends (levels
 * expire by themselves, so expired ones are pruned at each reservation) or the session's data is
 * deleted (which removes this entry with the rest). Immutable; changed only by {@link Reserve} and
 * {@link Release}, which run on the entry's primary node, so concurrent writers never lose each
 * other's levels.
 */
final class SharedDataUsage implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Level to {bytes, expires at (epoch millis)}. */
  private final TreeMap<Integer, long[]> levels;

  private SharedDataUsage(TreeMap<Integer, long[]> levels) {
    this.levels = levels;
  }

  static SharedDataUsage empty() {
    return new SharedDataUsage(new TreeMap<>());
  }

  /** Bytes of the levels still live at {@code nowMillis}, leaving out {@code exceptLevel}. */
  long liveBytes(long nowMillis, int exceptLevel) {
    long sum = 0;
    for (Map.Entry<Integer, long[]> e : levels.entrySet()) {
      if (e.getKey() != exceptLevel && e.getValue()[1] > nowMillis) {
        sum += e.getValue()[0];
      }
    }
    return sum;
  }

  /**
   * Counts {@code bytes} for {@code level} if the session's live levels plus them stay within
   * {@code limit}; answers the bytes the session would then hold (above {@code limit}: refused,
   * nothing changed).
   */
  static final class Reserve implements CacheEntryProcessor<String, Object, Long> {
    private static final long serialVersionUID = 1L;
    private final int level;
    private final long bytes;
    private final long expiresAtMillis;
    private final long limit;

    Reserve(int level, long bytes, long expiresAtMillis, long limit) {
      this.level = level;
      this.bytes = bytes;
      this.expiresAtMillis = expiresAtMillis;
      this.limit = limit;
    }

    @Override
    public Long process(MutableEntry<String, Object> entry, Object... args) {
      long now = System.currentTimeMillis();
      SharedDataUsage current =
          entry.exists() && entry.getValue() instanceof SharedDataUsage u ? u : empty();
      long total = current.liveBytes(now, level) + bytes;
      if (total > limit) {
        return total;
      }
      TreeMap<Integer, long[]> next = new TreeMap<>();
      current.levels.forEach(
          (l, v) -> {
            if (v[1] > now) {
              next.put(l, v);
            }
          });
      next.put(level, new long[] {bytes, expiresAtMillis});
      entry.setValue(new SharedDataUsage(next));
      return total;
    }
  }

  /** Stops counting {@code level} (its write failed or was withdrawn). */
  static final class Release implements CacheEntryProcessor<String, Object, Void> {
    private static final long serialVersionUID = 1L;
    private final int level;

    Release(int level) {
      this.level = level;
    }

    @Override
    public Void process(MutableEntry<String, Object> entry, Object... args) {
      if (entry.exists() && entry.getValue() instanceof SharedDataUsage u) {
        TreeMap<Integer, long[]> next = new TreeMap<>(u.levels);
        next.remove(level);
        entry.setValue(new SharedDataUsage(next));
      }
      return null;
    }
  }
}
