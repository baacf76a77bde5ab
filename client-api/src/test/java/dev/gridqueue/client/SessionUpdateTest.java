package dev.gridqueue.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gridqueue.proto.v1.Session;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SessionUpdate and BatchOptions build the requests the contract describes, checked early. */
class SessionUpdateTest {
  @Test
  void shouldNameExactlyTheAttributesItChanges() {
    Session request =
        SessionUpdate.newBuilder()
            .priority(0)
            .maxWorkers(4)
            .tags(List.of())
            .idleTimeout(Duration.ofMinutes(5))
            .build()
            .toRequest("s-1");

    assertThat(request.getId()).isEqualTo("s-1");
    assertThat(request.getUpdateMask().getPathsList())
        .containsExactly("priority", "max_workers", "tags", "idle_timeout");
    assertThat(request.getAttributes().hasPriority()).isTrue(); // an explicit 0, not the default
    assertThat(request.getAttributes().getIdleTimeout().getSeconds()).isEqualTo(300);
    assertThat(SessionUpdate.NOTHING.toRequest("s-1").hasUpdateMask()).isTrue();
    assertThat(SessionUpdate.NOTHING.paths()).isEmpty();
  }

  @Test
  void shouldRefuseOutOfRangeValuesAtTheCallSite() {
    assertThatThrownBy(() -> SessionUpdate.newBuilder().priority(11))
        .hasMessageContaining("priority must be between 0 and 10");
    assertThatThrownBy(() -> SessionUpdate.newBuilder().maxWorkers(-1))
        .hasMessageContaining("maxWorkers must be between 0 and 100000");
    assertThatThrownBy(() -> SessionUpdate.newBuilder().maxInflightBatchesPerWorker(0))
        .hasMessageContaining("maxInflightBatchesPerWorker");
    assertThatThrownBy(() -> SessionUpdate.newBuilder().blockedWorkerHosts(List.of(" ")))
        .hasMessageContaining("blockedWorkerHosts must not contain empty values");
    assertThatThrownBy(() -> BatchOptions.newBuilder().resources(1, -1, 0, 0))
        .hasMessageContaining("resources must be between 0 and");
  }

  @Test
  void shouldCarryBatchOptionsAsWireAttributes() {
    BatchOptions options =
        BatchOptions.newBuilder()
            .priority(7)
            .category("map")
            .resources(2, 512, 0, 0)
            .maxRetries(1)
            .build();

    assertThat(options.attributes().getPriority()).isEqualTo(7);
    assertThat(options.attributes().getCategory()).isEqualTo("map");
    assertThat(options.attributes().getResources().getMemoryMb()).isEqualTo(512);
    assertThat(options.attributes().getMaxRetries()).isEqualTo(1);
    assertThat(BatchOptions.NONE.attributes().hasMaxRetries()).isFalse();
  }
}
