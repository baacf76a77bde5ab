package dev.gridqueue.grid.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BatchKeysTest {
  @Test
  void shouldTellWhichSessionAKeyBelongsTo() {
    String key = BatchKeys.of("abc", "x-1");

    assertThat(BatchKeys.sessionOf(key)).isEqualTo("abc");
    assertThat(BatchKeys.belongsTo(key, "abc")).isTrue();
    assertThat(BatchKeys.belongsTo(key, "ab")).isFalse();
    assertThat(BatchKeys.belongsTo(BatchKeys.of("abcd", "x-1"), "abc")).isFalse();
  }
}
