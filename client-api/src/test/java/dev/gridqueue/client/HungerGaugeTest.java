package dev.gridqueue.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gridqueue.client.internal.TaskSender;
import dev.gridqueue.proto.v1.SessionStats;
import dev.gridqueue.proto.v1.Stats;
import dev.gridqueue.proto.v1.WorkerStats;
import org.junit.jupiter.api.Test;

class HungerGaugeTest {
  private static final int BATCH_SIZE = 10;

  private static WorkerStats worker(String id, int slots, String... apps) {
    return WorkerStats.newBuilder()
        .setWorkerId(id)
        .setSlots(slots)
        .addAllAppIds(java.util.List.of(apps))
        .build();
  }

  private static boolean hungry(Stats stats, int unsent) {
    HungerGauge gauge = new HungerGauge(() -> stats, BATCH_SIZE, () -> 0L);
    return gauge.hungry(new TaskSender.Counts(unsent, unsent, 0));
  }

  @Test
  void shouldCountOnlyTheSlotsOfWorkersServingTheSessionsApp() {
    // 4 slots serve "echo", 100 serve another app: threshold 2 x 4 x 10 = 80 waiting tasks
    Stats stats =
        Stats.newBuilder()
            .setWorkersConnected(2)
            .setTotalSlots(104)
            .addWorkers(worker("w1", 4, "echo", "pi"))
            .addWorkers(worker("w2", 100, "render"))
            .addSessions(SessionStats.newBuilder().setAppId("echo"))
            .build();

    assertThat(hungry(stats, 79)).isTrue();
    assertThat(hungry(stats, 80)).isFalse();
  }

  @Test
  void shouldCountEveryConnectedSlotWhenNoWorkerIsListed() {
    // a client API key sees the totals only
    Stats stats =
        Stats.newBuilder()
            .setWorkersConnected(2)
            .setTotalSlots(8)
            .addSessions(SessionStats.newBuilder().setAppId("echo"))
            .build();

    assertThat(hungry(stats, 159)).isTrue();
    assertThat(hungry(stats, 160)).isFalse();
  }

  @Test
  void shouldScaleTheServingSlotsToTheSessionsMaxWorkers() {
    // 3 serving workers of 4 slots, the session capped at 1 of them: 4 slots, threshold 80
    Stats stats =
        Stats.newBuilder()
            .setWorkersConnected(4)
            .setTotalSlots(112)
            .addWorkers(worker("w1", 4, "echo"))
            .addWorkers(worker("w2", 4, "echo"))
            .addWorkers(worker("w3", 4, "echo"))
            .addWorkers(worker("w4", 100, "render"))
            .addSessions(SessionStats.newBuilder().setAppId("echo").setMaxWorkers(1))
            .build();

    assertThat(hungry(stats, 79)).isTrue();
    assertThat(hungry(stats, 80)).isFalse();
  }

  @Test
  void shouldKeepTheMinimumWhenNoWorkerServesTheApp() {
    Stats stats =
        Stats.newBuilder()
            .setWorkersConnected(1)
            .setTotalSlots(100)
            .addWorkers(worker("w", 100, "render"))
            .addSessions(SessionStats.newBuilder().setAppId("echo"))
            .build();

    assertThat(hungry(stats, ContractLimits.HUNGRY_MINIMUM_TASKS - 1)).isTrue();
    assertThat(hungry(stats, ContractLimits.HUNGRY_MINIMUM_TASKS)).isFalse();
  }
}
