package dev.gridqueue.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gridqueue.grid.store.CancelSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LiveCancellationsTest {
  @Test
  void shouldSeeACancelThatArrivesWhileTheBatchRunsAfterTheRefreshTime() {
    // given: a batch that read an empty cancel set
    AtomicLong clock = new AtomicLong();
    AtomicInteger reads = new AtomicInteger();
    CancelSet[] grid = {CancelSet.EMPTY};
    LiveCancellations live =
        new LiveCancellations(
            () -> {
              reads.incrementAndGet();
              return grid[0];
            },
            clock::get);

    // when: the client cancels task "t2" while the batch runs
    grid[0] = new CancelSet(Set.of("t2"), Set.of(), false);

    // then: not re-read within the refresh time, seen after it
    assertThat(live.get().cancels("t2", "")).isFalse();
    clock.addAndGet(LiveCancellations.REFRESH_NANOS);
    assertThat(live.get().cancels("t2", "")).isTrue();
    assertThat(reads.get()).isEqualTo(2);
  }
}
