package dev.gridqueue.grid.store;

import java.io.Serializable;

/**
 * A category's limits, Work Queue's: the most ({@code max}, a field at 0: no limit) and the least
 * ({@code min}) a batch of the category is given, and how its first allocation is chosen ({@code
 * mode}: {@link #FIXED}, {@link #MAX}, {@link #MIN_WASTE}, {@link #MAX_THROUGHPUT}, the wire's
 * AllocationMode numbers). A plain class: it crosses JVMs through Ignite's binary marshaller.
 */
public final class CategoryLimitAmounts implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final int FIXED = 0;
  public static final int MAX = 1;
  public static final int MIN_WASTE = 2;
  public static final int MAX_THROUGHPUT = 3;

  private final ResourceAmounts max;
  private final ResourceAmounts min;
  private final int mode;

  public CategoryLimitAmounts(ResourceAmounts max, ResourceAmounts min, int mode) {
    this.max = max == null ? ResourceAmounts.NONE : max;
    this.min = min == null ? ResourceAmounts.NONE : min;
    this.mode = mode;
  }

  public ResourceAmounts max() {
    return max;
  }

  public ResourceAmounts min() {
    return min;
  }

  public int mode() {
    return mode;
  }
}
