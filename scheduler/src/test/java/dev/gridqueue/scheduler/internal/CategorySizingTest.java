package dev.gridqueue.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gridqueue.grid.store.CategoryLimitAmounts;
import org.junit.jupiter.api.Test;

/** Work Queue's allocation modes, picking a first allocation from measured peaks. */
class CategorySizingTest {
  // 8 batches peaked at 100 MB, 2 at 1,000 MB
  private static final long[] PEAKS = {100, 100, 100, 100, 100, 100, 100, 100, 1000, 1000};

  @Test
  void shouldPickTheLargestPeakInModeMax() {
    assertThat(CategorySizing.pick(CategoryLimitAmounts.MAX, PEAKS, 2000)).isEqualTo(1000);
  }

  @Test
  void shouldPickTheSmallAllocationWhenRetriesAtMaxWasteLess() {
    // given: at 100 MB two batches run twice (100 + 2000 − 1000 wasted each): 2,200; at 1,000 MB
    // eight batches waste 900 each: 7,200
    // then
    assertThat(CategorySizing.pick(CategoryLimitAmounts.MIN_WASTE, PEAKS, 2000)).isEqualTo(100);
  }

  @Test
  void shouldPickTheLargeAllocationWhenMostBatchesNeedIt() {
    long[] mostlyBig = {100, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000};
    assertThat(CategorySizing.pick(CategoryLimitAmounts.MIN_WASTE, mostlyBig, 2000))
        .isEqualTo(1000);
  }

  @Test
  void shouldPickTheAllocationRunningMostBatchesPerMegabyteForThroughput() {
    // 80% fit in 100 MB: 0.008 per MB; all fit in 1,000 MB: 0.001 per MB
    assertThat(CategorySizing.pick(CategoryLimitAmounts.MAX_THROUGHPUT, PEAKS, 2000))
        .isEqualTo(100);
  }

  @Test
  void shouldPickNothingWithoutPeaks() {
    assertThat(CategorySizing.pick(CategoryLimitAmounts.MIN_WASTE, new long[0], 2000)).isZero();
  }
}
