package dev.gridqueue.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gridqueue.scheduler.internal.SessionQueue.QueuedEntry;
import org.junit.jupiter.api.Test;

/** {@link FastAbort}: run-time means per category, the abort limit, strikes and the blocklist. */
class FastAbortTest {
  private static final long MS = 1_000_000L;

  @Test
  void shouldSetNoLimitUntilEnoughBatchesOfTheCategoryFinished() {
    // given
    SessionQueue s = session(3);
    for (int i = 0; i < FastAbort.MIN_SAMPLES - 1; i++) {
      FastAbort.ran(s, batch("render"), 2 * MS);
    }

    // when / then
    assertThat(FastAbort.abortAfterNanos(s, batch("render"))).isZero();
    FastAbort.ran(s, batch("render"), 2 * MS);
    assertThat(FastAbort.abortAfterNanos(s, batch("render"))).isEqualTo(6 * MS);
  }

  @Test
  void shouldKeepOneMeanPerCategoryAndOneForBatchesWithout() {
    // given: "big" batches take 10 ms, batches without a category 1 ms
    SessionQueue s = session(2);
    for (int i = 0; i < FastAbort.MIN_SAMPLES; i++) {
      FastAbort.ran(s, batch("big"), 10 * MS);
      FastAbort.ran(s, batch(null), MS);
    }

    // when / then
    assertThat(FastAbort.abortAfterNanos(s, batch("big"))).isEqualTo(20 * MS);
    assertThat(FastAbort.abortAfterNanos(s, batch(null))).isEqualTo(2 * MS);
    assertThat(FastAbort.abortAfterNanos(s, batch("new"))).isZero();
  }

  @Test
  void shouldRememberNothingWhenOffOrWhenTheRunWasNotMeasured() {
    // given
    SessionQueue off = session(0);
    SessionQueue on = session(3);

    // when
    for (int i = 0; i < FastAbort.MIN_SAMPLES; i++) {
      FastAbort.ran(off, batch(null), MS);
      FastAbort.ran(on, batch(null), 0);
    }

    // then
    assertThat(FastAbort.abortAfterNanos(off, batch(null))).isZero();
    assertThat(FastAbort.abortAfterNanos(on, batch(null))).isZero();
  }

  @Test
  void shouldBlocklistAWorkerOnItsThirdStrikeAndSayItOnce() {
    // given
    SessionQueue s = session(3);

    // when
    boolean first = FastAbort.strike(s, "w1");
    boolean second = FastAbort.strike(s, "w1");
    boolean other = FastAbort.strike(s, "w2");
    boolean third = FastAbort.strike(s, "w1");
    boolean fourth = FastAbort.strike(s, "w1");

    // then
    assertThat(new boolean[] {first, second, other, third, fourth})
        .containsExactly(false, false, false, true, false);
    assertThat(s.fastAbort.blocklists("w1")).isTrue();
    assertThat(s.fastAbort.blocklists("w2")).isFalse();
  }

  private static SessionQueue session(double multiplier) {
    return new SessionQueue(SessionInfo.builder("s", "echo").fastAbort(multiplier).build());
  }

  private static QueuedEntry batch(String category) {
    return new QueuedEntry(Fixtures.batch("s/1", "s", 1, 1, null, category), null, 1, 0, null);
  }
}
