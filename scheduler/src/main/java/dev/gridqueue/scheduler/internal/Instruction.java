package dev.gridqueue.scheduler.internal;

import java.util.UUID;

/**
 * A binding change to tell a worker: BIND (it now serves the session) or UNBIND (it must take no
 * more of the session's batches; with {@code returnUnstarted}, batches it holds but has not started
 * go back to the queue).
 */
record Instruction(
    boolean bind,
    String workerId,
    String workerKind,
    UUID nodeId,
    String sessionId,
    String appId,
    long generation,
    boolean returnUnstarted) {}
