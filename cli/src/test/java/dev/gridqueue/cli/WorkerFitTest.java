package dev.gridqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gridqueue.proto.v1.Resources;
import dev.gridqueue.proto.v1.Stats;
import dev.gridqueue.proto.v1.WorkerStats;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerFitTest {
  private final WorkerFit gpuSleep = new WorkerFit("sleep", List.of("gpu"), 1, 0, 0, 1);

  @Test
  void shouldWarnWhenNoWorkerIsConnected() {
    // given
    Stats stats = Stats.newBuilder().setWorkersConnected(0).build();

    // when / then
    assertThat(gpuSleep.warning(stats))
        .hasValue("no worker is connected to the grid; tasks wait until one joins");
  }

  @Test
  void shouldNotWarnWhenWorkersAreConnectedButHiddenFromAClientKey() {
    // given: GetStats answered to a client API key counts workers but lists none
    Stats stats = Stats.newBuilder().setWorkersConnected(2).build();

    // when / then
    assertThat(gpuSleep.warning(stats)).isEmpty();
  }

  @Test
  void shouldNameTheAppAndTagsNoListedWorkerServes() {
    // given
    Stats stats =
        Stats.newBuilder()
            .setWorkersConnected(1)
            .addWorkers(
                WorkerStats.newBuilder()
                    .addAppIds("sleep")
                    .setTotal(Resources.newBuilder().setCores(2)))
            .build();

    // when / then
    assertThat(gpuSleep.warning(stats))
        .hasValueSatisfying(
            w -> assertThat(w).startsWith("no connected worker serves app 'sleep' with tags gpu"));
  }
}
