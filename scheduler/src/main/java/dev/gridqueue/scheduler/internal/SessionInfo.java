package dev.gridqueue.scheduler.internal;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gridqueue.grid.store.SessionRecord;
import dev.gridqueue.proto.v1.SessionAttributes;
import java.util.Set;

/**
 * The session attributes scheduling needs: a worker must carry every one of {@code tags}; at most
 * {@code maxWorkers} workers (0: no cap) hold the session's batches at once; a batch lost with its
 * worker is run at most {@code 1 + maxRetries} times.
 */
record SessionInfo(
    String sessionId,
    String appId,
    int priority,
    int maxInflightBatchesPerWorker,
    Set<String> tags,
    int maxWorkers,
    int maxRetries) {
  static final int DEFAULT_MAX_RETRIES = 3;

  SessionInfo(String sessionId, String appId, int priority, int maxInflightBatchesPerWorker) {
    this(sessionId, appId, priority, maxInflightBatchesPerWorker, Set.of(), 0, DEFAULT_MAX_RETRIES);
  }

  static SessionInfo of(SessionRecord record) {
    try {
      SessionAttributes attributes = SessionAttributes.parseFrom(record.attributes());
      return new SessionInfo(
          record.sessionId(),
          record.appId(),
          record.priority(),
          record.maxInflightBatchesPerWorker(),
          Set.copyOf(attributes.getTagsList()),
          attributes.getMaxWorkers(),
          attributes.hasMaxRetries() ? attributes.getMaxRetries() : DEFAULT_MAX_RETRIES);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored attributes of session " + record.sessionId() + " are corrupt", e);
    }
  }
}
