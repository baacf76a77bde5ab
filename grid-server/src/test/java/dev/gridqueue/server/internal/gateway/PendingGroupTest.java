package dev.gridqueue.server.internal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.gridqueue.grid.store.ClientBatches;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import org.junit.jupiter.api.Test;

class PendingGroupTest {
  @Test
  void shouldStoreCoalescedBatchesAsOneBatchWithEveryTaskInOrder() throws Exception {
    // given
    PendingGroup group = new PendingGroup(batch("b1", 0, "t1", "t2"), false);
    group.add(batch("b2", 0, "t3"));

    // when
    Batch stored = Batch.parseFrom(group.payload());
    ClientBatches parts = group.clientBatches();

    // then
    assertThat(stored.getMessagesList())
        .extracting(Message::getId)
        .containsExactly("t1", "t2", "t3");
    assertThat(parts.count()).isEqualTo(2);
    assertThat(parts.id(0)).isEqualTo("b1");
    assertThat(parts.size(0)).isEqualTo(2);
    assertThat(parts.id(1)).isEqualTo("b2");
    assertThat(parts.size(1)).isEqualTo(1);
  }

  @Test
  void shouldNeedNoClientBatchMapForASingleBatch() {
    assertThat(new PendingGroup(batch("b1", 0, "t1"), false).clientBatches()).isNull();
  }

  @Test
  void shouldOnlyGroupBatchesThatScheduleAlike() {
    PendingGroup group = new PendingGroup(batch("b1", 3, "t1"), false);

    assertThat(group.accepts(batch("b2", 3, "t2"))).isTrue();
    assertThat(group.accepts(batch("b3", 4, "t3"))).as("other priority").isFalse();
    assertThat(group.accepts(batch("b4", 3, "t4").toBuilder().setUseSharedData(true).build()))
        .as("other shared-data use")
        .isFalse();
  }

  @Test
  void shouldStopAcceptingAtTheTaskCap() {
    PendingGroup group = new PendingGroup(batch("b0", 0, "x"), false);
    for (int i = 1; i < PendingGroup.MAX_TASKS; i++) {
      group.add(batch("b" + i, 0, "t" + i));
    }

    assertThat(group.isFull()).isTrue();
    assertThat(group.accepts(batch("more", 0, "t"))).isFalse();
  }

  private static Batch batch(String id, int priority, String... taskIds) {
    Batch.Builder b = Batch.newBuilder().setId(id).setSessionId("s").setPriority(priority);
    for (String t : taskIds) {
      b.addMessages(Message.newBuilder().setId(t).setPayload(ByteString.copyFromUtf8(t)));
    }
    return b.build();
  }

  @Test
  void shouldKeepABatchThatDeclaresResourcesAsSent() {
    // given
    Batch withResources =
        Batch.newBuilder()
            .setResources(dev.gridqueue.proto.v1.Resources.newBuilder().setCores(2))
            .addMessages(dev.gridqueue.proto.v1.Message.newBuilder().setId("a"))
            .build();
    PendingGroup group = new PendingGroup(withResources, false);

    // then: full at once, and no other batch joins it
    org.assertj.core.api.Assertions.assertThat(group.isFull()).isTrue();
    org.assertj.core.api.Assertions.assertThat(group.accepts(withResources)).isFalse();
    org.assertj.core.api.Assertions.assertThat(
            new PendingGroup(withResources.toBuilder().clearResources().build(), true).isFull())
        .isTrue();
  }
}
