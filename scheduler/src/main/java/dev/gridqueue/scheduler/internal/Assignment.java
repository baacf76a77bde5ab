package dev.gridqueue.scheduler.internal;

import java.util.UUID;

/** A decision of the scheduler: run batch {@code batchKey} on worker {@code workerId}. */
record Assignment(String batchKey, String appId, String workerId, UUID nodeId, int attempt) {}
