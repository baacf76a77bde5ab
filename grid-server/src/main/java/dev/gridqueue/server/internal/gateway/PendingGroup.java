package dev.gridqueue.server.internal.gateway;

import com.google.protobuf.ByteString;
import dev.gridqueue.grid.store.ClientBatches;
import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.proto.v1.Batch;
import java.util.ArrayList;
import java.util.List;

/**
 * Client batches of one stream waiting to be stored as one grid batch. Only batches that schedule
 * alike (same priority and every other batch-level field) share a group, and a group is capped, so
 * coalescing never changes what runs where, only how many grid operations it takes.
 *
 * <p>The stored payload is the concatenation of the client batches' encodings: protobuf parses
 * concatenated messages as one, with the repeated {@code messages} appended in order.
 */
final class PendingGroup {
  static final int MAX_TASKS = 1000;
  static final int MAX_BYTES = 4 << 20;

  private final Batch shape;
  private final List<ByteString> parts = new ArrayList<>();
  private final List<String> ids = new ArrayList<>();
  private final List<Integer> sizes = new ArrayList<>();
  private int tasks;
  private int bytes;

  /** Whether the group is one client batch that must stay as sent (no others may join). */
  private final boolean solo;

  /**
   * A group starting with {@code first}; {@code solo} keeps it that one batch. Batches that place
   * by resources stay as sent: a batch needs what one of its tasks needs, so merging them would
   * turn parallel tasks into one long serial batch.
   */
  PendingGroup(Batch first, boolean solo) {
    this.shape = shapeOf(first);
    this.solo = solo || first.hasResources() || !first.getCategory().isEmpty();
    add(first);
  }

  /** Whether {@code batch} may join: schedules alike and fits under the caps. */
  boolean accepts(Batch batch) {
    return !solo
        && tasks + batch.getMessagesCount() <= MAX_TASKS
        && bytes + batch.getSerializedSize() <= MAX_BYTES
        && shape.equals(shapeOf(batch));
  }

  void add(Batch batch) {
    ByteString encoded = batch.toByteString();
    parts.add(encoded);
    ids.add(batch.getId());
    sizes.add(batch.getMessagesCount());
    tasks += batch.getMessagesCount();
    bytes += encoded.size();
  }

  boolean isFull() {
    return solo || tasks >= MAX_TASKS || bytes >= MAX_BYTES;
  }

  int tasks() {
    return tasks;
  }

  /** Encoded bytes of the group's client batches. */
  int bytes() {
    return bytes;
  }

  int priority() {
    return shape.getPriority();
  }

  /** Resources the group's batches declared (null: none). */
  ResourceAmounts need() {
    if (!shape.hasResources()) {
      return null;
    }
    ResourceAmounts need =
        dev.gridqueue.server.internal.gateway.WireResources.of(shape.getResources());
    return need.isNone() ? null : need;
  }

  /** The batches' own max_retries; -1: the session's. */
  int maxRetries() {
    return shape.hasMaxRetries() ? shape.getMaxRetries() : -1;
  }

  String category() {
    return shape.getCategory();
  }

  byte[] payload() {
    return ByteString.copyFrom(parts).toByteArray();
  }

  /** Where each client batch's tasks are, or null when the group is one client batch. */
  ClientBatches clientBatches() {
    return ids.size() == 1 ? null : new ClientBatches(ids, sizes);
  }

  /** Everything about a batch except its id and tasks. */
  private static Batch shapeOf(Batch batch) {
    return batch.toBuilder().clearId().clearMessages().build();
  }
}
