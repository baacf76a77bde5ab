package dev.gridqueue.server.internal.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gridqueue.grid.errors.InvalidRequestException;
import dev.gridqueue.proto.v1.SessionAttributes;
import org.junit.jupiter.api.Test;

class SessionDefaultsTest {
  @Test
  void shouldFillDefaultsWhenAttributesAreAbsent() {
    SessionAttributes a = SessionStore.withDefaults(SessionAttributes.getDefaultInstance());

    assertThat(a.getPriority()).isEqualTo(5);
    assertThat(a.getMaxInflightBatchesPerWorker()).isEqualTo(10);
    assertThat(a.getMaxRetries()).isEqualTo(3);
  }

  @Test
  void shouldKeepAnExplicitZeroPriority() {
    assertThat(
            SessionStore.withDefaults(SessionAttributes.newBuilder().setPriority(0).build())
                .getPriority())
        .isZero();
  }

  @Test
  void shouldNameTheFieldAndLimitOfAnOutOfRangeValue() {
    assertThatThrownBy(
            () ->
                SessionStore.withDefaults(
                    SessionAttributes.newBuilder().setMaxInflightBatchesPerWorker(0).build()))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("attributes.max_inflight_batches_per_worker must be between 1 and 1000, got 0");
    assertThatThrownBy(
            () -> SessionStore.withDefaults(SessionAttributes.newBuilder().addTags(" ").build()))
        .hasMessageContaining("attributes.tags");
  }
}
