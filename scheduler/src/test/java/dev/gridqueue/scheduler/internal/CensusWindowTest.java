package dev.gridqueue.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link CensusWindow}: ends are remembered while a census runs, and only then. */
class CensusWindowTest {
  private final CensusWindow window = new CensusWindow();

  @Test
  void shouldRememberBatchesEndedWhileACensusRunsAndForgetThemAfter() {
    // given
    window.ended("before");
    window.open();

    // when
    window.ended("during");

    // then
    assertThat(window.sawEnd("during")).isTrue();
    assertThat(window.sawEnd("before")).isFalse();
    window.close();
    assertThat(window.sawEnd("during")).isFalse();
  }
}
