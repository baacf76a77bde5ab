package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.client.CommandRules;
import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.errors.FieldChecks;
import dev.gridqueue.grid.errors.InvalidRequestException;
import dev.gridqueue.grid.store.BatchKeys;
import dev.gridqueue.grid.store.QueuedBatchRef;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.affinity.Affinity;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.lang.IgniteFuture;

/**
 * Validates task batches and stores them in the grid. A batch is accepted when its put returns: the
 * batches cache writes backups synchronously, so an accepted batch survives a node loss.
 */
final class BatchIntake {

  private final IgniteCache<String, StoredBatch> batches;
  // Batch keys: a per-node random prefix plus a counter, unique across the grid without
  // coordination.
  private final String uidPrefix = UUID.randomUUID().toString().substring(0, 8) + "-";
  private final AtomicLong counter = new AtomicLong();

  /**
   * Keys tried for one batch before settling for a primary elsewhere (expected: one per server).
   */
  static final int MAX_KEY_TRIES = 64;

  private final QueuedAnnouncer announcer;
  private final Affinity<String> affinity;
  private final ClusterNode localNode;

  private final QueuedBytes queuedBytes;

  BatchIntake(Ignite ignite, QueuedAnnouncer announcer, QueuedBytes queuedBytes) {
    this.queuedBytes = queuedBytes;
    this.batches = ignite.cache(CacheNames.BATCHES);
    this.announcer = announcer;
    this.affinity = ignite.affinity(CacheNames.BATCHES);
    this.localNode = ignite.cluster().localNode();
  }

  /**
   * Throws {@link InvalidRequestException} naming the field if the batch is malformed for a session
   * of {@code appId}: tasks of the command app must carry a valid command, others none.
   */
  static void validate(Batch batch, String appId) {
    if (batch.getMessagesCount() == 0) {
      throw new InvalidRequestException("batch.messages must not be empty");
    }
    if (batch.getMessagesCount() > ContractLimits.MAX_TASKS_PER_BATCH) {
      throw new InvalidRequestException(
          "batch.messages holds "
              + batch.getMessagesCount()
              + " tasks; the limit is "
              + ContractLimits.MAX_TASKS_PER_BATCH);
    }
    if (batch.getSerializedSize() > ContractLimits.MAX_BATCH_BYTES) {
      throw new InvalidRequestException(
          "batch is "
              + batch.getSerializedSize()
              + " bytes; the limit is "
              + ContractLimits.MAX_BATCH_BYTES
              + " (put large shared inputs in shared data)");
    }
    if (batch.hasMaxRetries()) {
      FieldChecks.uint32(
          "batch.max_retries", batch.getMaxRetries(), 0, ContractLimits.MAX_RETRIES_MAX);
    }
    FieldChecks.uint32("batch.priority", batch.getPriority(), 0, ContractLimits.BATCH_PRIORITY_MAX);
    if (batch.hasRequiredSharedDataUpdateLevel()) {
      FieldChecks.uint32(
          "batch.required_shared_data_update_level",
          batch.getRequiredSharedDataUpdateLevel(),
          1,
          ContractLimits.SHARED_DATA_MAX_LEVEL);
    }
    if (batch.hasResources()) {
      ResourceRules.check("batch.resources", batch.getResources());
    }
    FieldChecks.length("batch.id", batch.getId(), ContractLimits.NAME_MAX_CHARS);
    FieldChecks.length("batch.category", batch.getCategory(), ContractLimits.NAME_MAX_CHARS);
    for (int i = 0; i < batch.getMessagesCount(); i++) {
      Message m = batch.getMessages(i);
      if (m.getId().isEmpty()) {
        throw new InvalidRequestException("batch.messages[" + i + "].id must not be empty");
      }
      FieldChecks.length(
          "batch.messages[" + i + "].id", m.getId(), ContractLimits.TASK_ID_MAX_CHARS);
      FieldChecks.length(
          "batch.messages[" + i + "].tag", m.getTag(), ContractLimits.NAME_MAX_CHARS);
      String field = "batch.messages[" + i + "].command";
      if (ContractLimits.COMMAND_APP_ID.equals(appId)) {
        if (!m.hasCommand()) {
          throw new InvalidRequestException(
              field + " is required in a session of app '" + ContractLimits.COMMAND_APP_ID + "'");
        }
        String problem = CommandRules.problem(m.getCommand(), field);
        if (problem != null) {
          throw new InvalidRequestException(problem);
        }
      } else if (m.hasCommand()) {
        throw new InvalidRequestException(
            field
                + " is only for sessions of app '"
                + ContractLimits.COMMAND_APP_ID
                + "'; this session's app is '"
                + appId
                + "'");
      }
    }
  }

  /** Throws {@link InvalidRequestException} if the batch acknowledges too much at once. */
  static void validateAcks(Batch batch) {
    FieldChecks.count(
        "batch.ack_delivery_ids",
        batch.getAckDeliveryIdsCount(),
        ContractLimits.ACKS_PER_BATCH_MAX);
  }

  /**
   * A fresh key for a batch of the session, chosen so that this node holds the batch's primary
   * copy: the batch is stored, its results read for delivery and removed on acknowledgement without
   * a network round trip to another primary (only to the backups).
   */
  String newKey(String sessionId) {
    String key = BatchKeys.of(sessionId, uidPrefix + counter.incrementAndGet());
    for (int tries = 1; tries < MAX_KEY_TRIES && !affinity.isPrimary(localNode, key); tries++) {
      key = BatchKeys.of(sessionId, uidPrefix + counter.incrementAndGet());
    }
    return key;
  }

  /**
   * Stores the group under {@code key}; the future completes when its batches are accepted (held by
   * the primary and its backups), and the scheduler is told about them.
   */
  IgniteFuture<Void> store(String key, String sessionId, PendingGroup group) {
    long sequence = StoredBatch.sequence(System.currentTimeMillis(), counter.get());
    StoredBatch stored =
        StoredBatch.queued(
                sessionId,
                sequence,
                group.priority(),
                group.payload(),
                group.clientBatches(),
                group.tasks())
            .withPlacement(group.need(), group.category())
            .withMaxRetries(group.maxRetries());
    // Reserved as its client batches arrived; counted under its key until the key leaves.
    queuedBytes.stored(sessionId, key, group.bytes());
    try {
      return batches
          .putAsync(key, stored)
          .chain(
              put -> {
                try {
                  put.get(); // a failed store fails the stream; nothing to announce
                } catch (RuntimeException e) {
                  queuedBytes.removed(java.util.List.of(key));
                  throw e;
                }
                announcer.announce(QueuedBatchRef.of(key, stored));
                return null;
              });
    } catch (RuntimeException e) {
      queuedBytes.removed(java.util.List.of(key));
      throw e;
    }
  }

  /** The stored batches under these keys (missing keys are absent from the map). */
  Map<String, StoredBatch> getAll(java.util.Collection<String> keys) {
    return batches.getAll(new java.util.LinkedHashSet<>(keys));
  }

  IgniteCache<String, StoredBatch> cache() {
    return batches;
  }
}
