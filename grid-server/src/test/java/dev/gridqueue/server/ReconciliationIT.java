package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.proto.v1.App;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.Session;
import dev.gridqueue.proto.v1.StatsRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The grid census finds what lost notices left behind: a queued batch no grid node announced to the
 * scheduler (as when the accepting node dies right after storing it) runs, and a result whose
 * notice never reached the session's stream is delivered. Both are written straight into the
 * batches cache, past the notices, as such a loss leaves them.
 */
class ReconciliationIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid();

  @Test
  void shouldRunAQueuedBatchTheSchedulerWasNeverToldAbout() throws Exception {
    // given: a session whose client stream is attached
    QueueGrpc.QueueBlockingStub queue = QueueGrpc.newBlockingStub(grid.newChannel());
    Session session = newSession(queue);
    RawStreamCall call =
        RawStreamCall.withSessionHeader(QueueGrpc.newStub(grid.newChannel()), session.getId());
    long reconciledBefore =
        queue.getStats(StatsRequest.getDefaultInstance()).getBatchesReconciled();

    // when: a batch is stored and its notice to the scheduler lost
    Batch tasks =
        Batch.newBuilder()
            .setId("lost")
            .setSessionId(session.getId())
            .addMessages(
                Message.newBuilder().setId("t1").setPayload(ByteString.copyFromUtf8("found")))
            .build();
    long acceptedLongAgo = StoredBatch.sequence(System.currentTimeMillis() - 60_000, 1);
    GridBatches.cache(grid)
        .put(
            session.getId() + "/lost-1",
            StoredBatch.queued(session.getId(), acceptedLongAgo, 5, tasks.toByteArray(), null, 1));

    // then: the census finds it, it runs, and its result reaches the stream
    await("the lost batch's result")
        .atMost(Duration.ofSeconds(30))
        .until(() -> call.resultCount() == 1);
    assertThat(call.received.get(0).getMessages(0).getPayload().toStringUtf8()).isEqualTo("found");
    assertThat(queue.getStats(StatsRequest.getDefaultInstance()).getBatchesReconciled())
        .isEqualTo(reconciledBefore + 1);
    queue.closeSession(session);
  }

  @Test
  void shouldDeliverAResultWhoseNoticeNeverReachedTheStream() throws Exception {
    // given: a session whose client stream is attached
    QueueGrpc.QueueBlockingStub queue = QueueGrpc.newBlockingStub(grid.newChannel());
    Session session = newSession(queue);
    RawStreamCall call =
        RawStreamCall.withSessionHeader(QueueGrpc.newStub(grid.newChannel()), session.getId());
    await("stream attached")
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                grid.server()
                    .ignite()
                    .cache(dev.gridqueue.grid.CacheNames.STREAM_ATTACHMENTS)
                    .containsKey(session.getId()));

    // when: a result is written and its notice lost
    Batch results =
        Batch.newBuilder()
            .setId("b")
            .setSessionId(session.getId())
            .addMessages(
                Message.newBuilder()
                    .setId("t1")
                    .setRelatedId("t1")
                    .setPayload(ByteString.copyFromUtf8("late")))
            .build();
    GridBatches.cache(grid)
        .put(
            session.getId() + "/undelivered-1",
            StoredBatch.queued(session.getId(), 1, 5, new byte[0])
                .done(1, results.toByteArray(), System.currentTimeMillis() - 60_000));

    // then: the census re-announces it and the stream delivers it once
    await("the undelivered result")
        .atMost(Duration.ofSeconds(30))
        .until(() -> call.resultCount() == 1);
    assertThat(call.received.get(0).getDeliveryId()).isEqualTo(session.getId() + "/undelivered-1");
    queue.closeSession(session);
  }

  private static Session newSession(QueueGrpc.QueueBlockingStub queue) {
    return queue.createSession(Session.newBuilder().setApp(App.newBuilder().setId("echo")).build());
  }
}
