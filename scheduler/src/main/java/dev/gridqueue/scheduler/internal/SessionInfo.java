package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.SessionRecord;

/** The session attributes scheduling needs. */
record SessionInfo(String sessionId, String appId, int priority, int maxInflightBatchesPerWorker) {
  static SessionInfo of(SessionRecord record) {
    return new SessionInfo(
        record.sessionId(), record.appId(), record.priority(), record.maxInflightBatchesPerWorker());
  }
}
