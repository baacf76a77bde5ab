package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.grid.store.ClientBatches;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * A done batch's results as the client gets them: one result batch per client batch its tasks came
 * in (the server may have merged several into one stored batch), each carrying the stored key as
 * {@code delivery_id}. When some tasks went to the dead letters the runs no longer line up, and the
 * results go as one batch. No result at all (every task dead-lettered): nothing to send.
 */
final class ResultMessages {
  private ResultMessages() {}

  static List<Batch> of(String key, StoredBatch done)
      throws com.google.protobuf.InvalidProtocolBufferException {
    Batch results = Batch.parseFrom(done.payload());
    if (results.getMessagesCount() == 0) {
      return List.of();
    }
    results = results.toBuilder().setDeliveryId(key).build();
    ClientBatches runs = done.clientBatches();
    if (runs == null || results.getMessagesCount() != totalTasks(runs)) {
      return List.of(results);
    }
    List<Message> messages = results.getMessagesList();
    List<Batch> parts = new ArrayList<>(runs.count());
    int from = 0;
    for (int i = 0; i < runs.count(); i++) {
      int to = Math.min(messages.size(), from + runs.size(i));
      parts.add(
          results.toBuilder()
              .setId(runs.id(i))
              .clearMessages()
              .addAllMessages(messages.subList(from, to))
              .build());
      from = to;
    }
    return parts;
  }

  private static int totalTasks(ClientBatches runs) {
    int total = 0;
    for (int i = 0; i < runs.count(); i++) {
      total += runs.size(i);
    }
    return total;
  }
}
