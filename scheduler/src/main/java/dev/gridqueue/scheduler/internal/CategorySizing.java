package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.CategoryLimitAmounts;
import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.grid.work.BatchUsage;
import dev.gridqueue.scheduler.CategoryFigures;
import dev.gridqueue.scheduler.internal.SessionQueue.QueuedEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Work Queue's categories with automatic sizing: what the tasks of each category of a session used
 * ({@link History}, held by the {@link SessionQueue}), the first allocation a batch of a category
 * with limits gets when it declares nothing (from {@link CategoryLimitAmounts#mode()} and the
 * measured peaks, within the category's min and max), and the one retry at the category's maximum
 * of a batch that ran out of its allocation. Only this class changes a History.
 */
final class CategorySizing {
  /** Measured tasks of a category before its first allocation follows them. */
  static final int MIN_SAMPLES = 10;

  /** Peaks kept per category (the latest): bounds the memory and the cost of a computation. */
  static final int MAX_SAMPLES = 1000;

  private CategorySizing() {}

  /** What a session's categories used; batches without a category under "". */
  static final class History {
    private final Map<String, Category> byName = new TreeMap<>();

    private Category of(String name) {
      return byName.computeIfAbsent(name, n -> new Category());
    }
  }

  /** One category's measurements. */
  private static final class Category {
    long measured;
    long peakMemoryMb;
    long peakDiskMb;
    int peakCores;
    long exhausted;
    long retriedAtMax;
    // The latest peaks per run of a batch, as rings: memory MB, disk MB, cores.
    final long[][] samples = new long[3][MAX_SAMPLES];
    int count;
    int next;
    // The first allocation computed from the samples, until a new sample comes.
    ResourceAmounts cached;
    boolean dirty = true;

    void add(BatchUsage u) {
      measured += u.measured();
      peakMemoryMb = Math.max(peakMemoryMb, u.memoryMb());
      peakDiskMb = Math.max(peakDiskMb, u.diskMb());
      peakCores = Math.max(peakCores, u.cores());
      exhausted += u.exhausted();
      samples[0][next] = u.memoryMb();
      samples[1][next] = u.diskMb();
      samples[2][next] = u.cores();
      next = (next + 1) % MAX_SAMPLES;
      count = Math.min(count + 1, MAX_SAMPLES);
      dirty = true;
    }
  }

  /**
   * What a new batch needs: its own declaration, else its category's declared resources, else — for
   * a category with limits — its first allocation, else the session's; null: a whole worker.
   */
  static ResourceAmounts needOf(SessionQueue s, ResourceAmounts declared, String category) {
    boolean declaresNothing = declared == null || declared.isNone();
    if (declaresNothing && category != null) {
      CategoryLimitAmounts limits = s.info.categoryLimits().get(category);
      ResourceAmounts byCategory = s.info.categories().get(category);
      if (limits != null && (byCategory == null || byCategory.isNone())) {
        return firstAllocation(limits, s.sizing.byName.get(category));
      }
    }
    return s.info.needOf(declared, category);
  }

  /** A batch of the session ran and its tasks used {@code usage}. */
  static void ran(SessionQueue s, QueuedEntry entry, BatchUsage usage) {
    if (usage.measured() > 0) {
      s.sizing.of(categoryOf(entry)).add(usage);
    }
  }

  /**
   * The allocation a batch that ran out of {@code entry.need()} runs again with: the category's
   * maximum where it sets one, the batch's need elsewhere; null when there is none larger (the
   * batch's tasks then end with the resource-exhaustion result).
   */
  static ResourceAmounts atMax(SessionQueue s, QueuedEntry entry) {
    if (s == null || entry.need() == null || entry.ref().category == null) {
      return null;
    }
    CategoryLimitAmounts limits = s.info.categoryLimits().get(entry.ref().category);
    if (limits == null || limits.max().isNone()) {
      return null;
    }
    ResourceAmounts need = entry.need();
    ResourceAmounts max = limits.max();
    ResourceAmounts bigger =
        new ResourceAmounts(
            max.cores() > 0 ? max.cores() : need.cores(),
            max.memoryMb() > 0 ? max.memoryMb() : need.memoryMb(),
            max.diskMb() > 0 ? max.diskMb() : need.diskMb(),
            max.gpus() > 0 ? max.gpus() : need.gpus());
    boolean larger = bigger.memoryMb() > need.memoryMb() || bigger.diskMb() > need.diskMb();
    return larger ? bigger : null;
  }

  /** The batch ran out of its allocation and runs again with {@code bigger}. */
  static void retriedAtMax(SessionQueue s, QueuedEntry entry, BatchUsage usage) {
    Category c = s.sizing.of(categoryOf(entry));
    c.add(usage);
    c.retriedAtMax++;
  }

  /** The session's categories as stats show them: measured ones and those with limits. */
  static List<CategoryFigures> figures(SessionQueue s) {
    Map<String, Category> shown = new TreeMap<>(s.sizing.byName);
    s.info.categoryLimits().keySet().forEach(name -> shown.putIfAbsent(name, new Category()));
    List<CategoryFigures> figures = new ArrayList<>(shown.size());
    shown.forEach(
        (name, c) -> {
          CategoryLimitAmounts limits = s.info.categoryLimits().get(name);
          ResourceAmounts first =
              name.isEmpty() ? s.info.taskResources() : needOf(s, ResourceAmounts.NONE, name);
          figures.add(
              new CategoryFigures(
                  name,
                  c.measured,
                  new ResourceAmounts(c.peakCores, c.peakMemoryMb, c.peakDiskMb, 0),
                  first,
                  limits == null ? CategoryLimitAmounts.FIXED : limits.mode(),
                  c.retriedAtMax,
                  c.exhausted));
        });
    return figures;
  }

  /**
   * Work Queue's first allocation: the category's max (null: a whole worker when it sets none) in
   * fixed mode or until {@link #MIN_SAMPLES} tasks were measured; then, per measured resource, the
   * value the mode picks from the peaks, kept within min and max.
   */
  static ResourceAmounts firstAllocation(CategoryLimitAmounts limits, Category c) {
    ResourceAmounts max = limits.max();
    if (limits.mode() == CategoryLimitAmounts.FIXED || c == null || c.measured < MIN_SAMPLES) {
      return max.isNone() ? null : max;
    }
    if (!c.dirty && c.cached != null) {
      return c.cached;
    }
    ResourceAmounts min = limits.min();
    long memory = pick(limits.mode(), sorted(c, 0), max.memoryMb());
    long disk = pick(limits.mode(), sorted(c, 1), max.diskMb());
    long cores = pick(limits.mode(), sorted(c, 2), max.cores());
    ResourceAmounts first =
        new ResourceAmounts(
            (int) within(Math.max(cores, 1), min.cores(), max.cores()),
            within(memory, min.memoryMb(), max.memoryMb()),
            within(disk, min.diskMb(), max.diskMb()),
            Math.max(min.gpus(), max.gpus()));
    c.cached = first;
    c.dirty = false;
    return first;
  }

  /** {@code value} raised to {@code min} and, where {@code max} is above 0, lowered to it. */
  private static long within(long value, long min, long max) {
    long v = Math.max(value, min);
    return max > 0 ? Math.min(v, max) : v;
  }

  private static long[] sorted(Category c, int resource) {
    long[] values = Arrays.copyOf(c.samples[resource], c.count);
    Arrays.sort(values);
    return values;
  }

  /**
   * The allocation {@code mode} picks for one resource from the sorted peaks {@code peaks}; {@code
   * max} (0: none) is what a batch that does not fit gets on its retry.
   *
   * <ul>
   *   <li>max: the largest peak;
   *   <li>min waste: the candidate a (a measured peak) wasting least over the history: a − p for a
   *       batch that fits, a + (retry − p) for one that does not (its first run is lost, its retry
   *       at max wastes retry − p);
   *   <li>max throughput: the candidate maximising the share of batches that fit per unit
   *       allocated, P(p ≤ a) / a, so the most batches run at once on a worker and succeed.
   * </ul>
   */
  static long pick(int mode, long[] peaks, long max) {
    int n = peaks.length;
    if (n == 0) {
      return 0;
    }
    long largest = peaks[n - 1];
    if (mode == CategoryLimitAmounts.MAX) {
      return largest;
    }
    long retry = max > 0 ? Math.max(max, largest) : largest;
    long best = largest;
    double bestScore = mode == CategoryLimitAmounts.MIN_WASTE ? Double.MAX_VALUE : -1;
    for (int i = 0; i < n; i++) {
      if (i + 1 < n && peaks[i + 1] == peaks[i]) {
        continue; // the last of equal peaks: every one of them fits
      }
      long a = peaks[i];
      int fit = i + 1;
      if (mode == CategoryLimitAmounts.MIN_WASTE) {
        double waste = 0;
        for (int j = 0; j < n; j++) {
          long p = peaks[j];
          waste += j < fit ? a - p : a + (retry - p);
        }
        if (waste < bestScore) {
          bestScore = waste;
          best = a;
        }
      } else {
        double throughput = (double) fit / n / Math.max(1, a);
        if (throughput > bestScore) {
          bestScore = throughput;
          best = a;
        }
      }
    }
    return best;
  }

  private static String categoryOf(QueuedEntry entry) {
    return entry.ref().category == null ? "" : entry.ref().category;
  }
}
