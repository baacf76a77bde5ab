package dev.gridqueue.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gridqueue.proto.v1.App;
import dev.gridqueue.proto.v1.Session;
import dev.gridqueue.proto.v1.SessionAttributes;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionOptionsTest {
  @Test
  void shouldLeaveUnsetAttributesAbsentSoTheServerFillsInItsDefaults() {
    // given
    SessionOptions options = SessionOptions.forApp("echo").build();

    // when
    Session request = options.toRequest();

    // then
    assertThat(request)
        .isEqualTo(
            Session.newBuilder()
                .setApp(App.newBuilder().setId("echo"))
                .setAttributes(SessionAttributes.newBuilder().setCleanupOnClientExit(false))
                .build());
    assertThat(request.getAttributes().hasPriority()).isFalse();
    assertThat(request.getAttributes().hasMaxInflightBatchesPerWorker()).isFalse();
    assertThat(request.getAttributes().hasMaxRetries()).isFalse();
    assertThat(options.batchSize()).isEqualTo(100);
    assertThat(options.appId()).isEqualTo("echo");
  }

  @Test
  void shouldPutEveryOptionInTheRequest() {
    // given
    SessionOptions options =
        SessionOptions.forApp("pi")
            .priority(ContractLimits.PRIORITY_MAX)
            .workers(1, 4)
            .maxInflightBatchesPerWorker(ContractLimits.MAX_INFLIGHT_BATCHES_PER_WORKER_MAX)
            .maxRetries(ContractLimits.MAX_RETRIES_MAX)
            .tags(List.of("old"))
            .tags(List.of("gpu", "fast"))
            .cleanupOnClientExit(true)
            .clientId("me")
            .batchSize(ContractLimits.MAX_TASKS_PER_BATCH)
            .preemptible(true)
            .taskResources(2, 512, 0, 1)
            .category("big", 4, 2048, 10, 0)
            .maxTaskRunningTime(Duration.ofSeconds(30))
            .fastAbortMultiplier(3)
            .blockedWorkerHosts(List.of("bad-host"))
            .idleTimeout(Duration.ofMinutes(5))
            .build();

    // when
    SessionAttributes a = options.toRequest().getAttributes();

    // then
    assertThat(a.getPriority()).isEqualTo(10);
    assertThat(a.getMinWorkers()).isEqualTo(1);
    assertThat(a.getMaxWorkers()).isEqualTo(4);
    assertThat(a.getMaxInflightBatchesPerWorker()).isEqualTo(1000);
    assertThat(a.getMaxRetries()).isEqualTo(100);
    assertThat(a.getTagsList()).as("tags replace earlier tags").containsExactly("gpu", "fast");
    assertThat(a.getCleanupOnClientExit()).isTrue();
    assertThat(a.getClientId()).isEqualTo("me");
    assertThat(a.getPreemptible()).isTrue();
    assertThat(a.getTaskResources().getCores()).isEqualTo(2);
    assertThat(a.getTaskResources().getGpus()).isEqualTo(1);
    assertThat(a.getCategoriesMap().get("big").getMemoryMb()).isEqualTo(2048);
    assertThat(a.getMaxTaskRunningTime().getSeconds()).isEqualTo(30);
    assertThat(a.getFastAbortMultiplier()).isEqualTo(3);
    assertThat(a.getBlockedWorkerHostsList()).containsExactly("bad-host");
    assertThat(a.getIdleTimeout().getSeconds()).isEqualTo(300);
    assertThat(options.batchSize()).isEqualTo(100_000);
  }

  @Test
  void shouldRejectAValueOutsideTheContractsLimitsAtOnce() {
    // given
    SessionOptions.Builder b = SessionOptions.forApp("echo");

    // when / then
    assertThatThrownBy(() -> SessionOptions.forApp(" ")).hasMessageContaining("appId");
    assertThatThrownBy(() -> b.priority(ContractLimits.PRIORITY_MAX + 1))
        .hasMessage("priority must be between 0 and 10, got 11");
    assertThatThrownBy(() -> b.priority(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxInflightBatchesPerWorker(0))
        .hasMessageContaining("between 1 and 1000");
    assertThatThrownBy(() -> b.maxInflightBatchesPerWorker(1001))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxRetries(101)).hasMessageContaining("between 0 and 100");
    assertThatThrownBy(() -> b.batchSize(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.batchSize(ContractLimits.MAX_TASKS_PER_BATCH + 1))
        .hasMessageContaining("100000");
    assertThatThrownBy(() -> b.workers(3, 2)).hasMessageContaining("min <= max");
    assertThatThrownBy(() -> b.workers(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.tags(List.of("ok", " "))).hasMessageContaining("tags");
    assertThatThrownBy(() -> b.blockedWorkerHosts(List.of("")))
        .hasMessageContaining("blockedWorkerHosts");
    assertThatThrownBy(() -> b.category(" ", 1, 0, 0, 0)).hasMessageContaining("category");
    assertThatThrownBy(() -> b.taskResources(-1, 0, 0, 0)).hasMessageContaining("negative");
    assertThatThrownBy(() -> b.maxTaskRunningTime(Duration.ofSeconds(-1)))
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> b.idleTimeout(Duration.ofSeconds(-1)))
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> b.fastAbortMultiplier(0.5)).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> b.fastAbortMultiplier(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(b.build().toRequest())
        .as("nothing rejected was kept")
        .isEqualTo(SessionOptions.forApp("echo").build().toRequest());
  }

  @Test
  void shouldStayUnchangedWhenItsBuilderChangesLater() {
    // given
    SessionOptions.Builder b = SessionOptions.forApp("echo").priority(1);
    SessionOptions built = b.build();

    // when
    b.priority(9).batchSize(7);

    // then
    assertThat(built.toRequest().getAttributes().getPriority()).isEqualTo(1);
    assertThat(built.batchSize()).isEqualTo(100);
  }
}
