package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.ResourceAmounts;
import java.util.UUID;

/**
 * A decision of the scheduler: run batch {@code batchKey} on worker {@code workerId} (a worker of
 * {@code workerKind} on node {@code nodeId}). {@code bindGeneration} identifies the worker's
 * binding to the session: an UNBIND of that generation returns the batch if it has not started.
 * {@code maxTaskNanos} and {@code abortAfterNanos} (0: none) bound a task's and the batch's run;
 * {@code allocation} (null: the whole worker) bounds a command task's memory and disk, and {@code
 * retryAtMax} says whether going past it runs the batch again with its category's maximum.
 */
record Assignment(
    String batchKey,
    String sessionId,
    String appId,
    String workerId,
    String workerKind,
    UUID nodeId,
    int attempt,
    long bindGeneration,
    long maxTaskNanos,
    long abortAfterNanos,
    ResourceAmounts allocation,
    boolean retryAtMax,
    int taskCount) {}
