package dev.gridqueue.server.internal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gridqueue.grid.store.ClientBatches;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultMessagesTest {
  @Test
  void shouldAnswerEachClientBatchOfAMergedBatchWithItsOwnResults() throws Exception {
    // given: client batches "a" (2 tasks) and "b" (1 task) stored as one batch
    StoredBatch done =
        done(results("t1", "t2", "t3"), new ClientBatches(List.of("a", "b"), List.of(2, 1)));

    // when
    List<Batch> sent = ResultMessages.of("s/k1", done);

    // then
    assertThat(sent).extracting(Batch::getId).containsExactly("a", "b");
    assertThat(sent.get(0).getMessagesList())
        .extracting(Message::getId)
        .containsExactly("t1", "t2");
    assertThat(sent).allSatisfy(b -> assertThat(b.getDeliveryId()).isEqualTo("s/k1"));
  }

  @Test
  void shouldSendOneBatchWhenDeadLettersBrokeTheRuns() throws Exception {
    // given: three tasks sent, one dead-lettered
    StoredBatch done =
        done(results("t1", "t3"), new ClientBatches(List.of("a", "b"), List.of(2, 1)));

    // when
    List<Batch> sent = ResultMessages.of("s/k1", done);

    // then
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).getMessagesCount()).isEqualTo(2);
  }

  @Test
  void shouldSendNothingForABatchWhoseTasksAllWentToTheDeadLetters() throws Exception {
    assertThat(ResultMessages.of("s/k1", done(results(), null))).isEmpty();
  }

  private static Batch results(String... ids) {
    Batch.Builder b = Batch.newBuilder().setSessionId("s");
    for (String id : ids) {
      b.addMessages(Message.newBuilder().setId(id).setRelatedId(id));
    }
    return b.build();
  }

  private static StoredBatch done(Batch results, ClientBatches runs) {
    return StoredBatch.queued("s", 1, 5, new byte[0], runs, results.getMessagesCount())
        .done(1, results.toByteArray(), runs, 0);
  }
}
