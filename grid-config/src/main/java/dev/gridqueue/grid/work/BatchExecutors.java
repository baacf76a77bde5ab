package dev.gridqueue.grid.work;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import org.apache.ignite.Ignite;

/**
 * The batch executors of one grid node, by worker kind ({@link WorkerDescriptor#KIND_JVM}, {@link
 * WorkerDescriptor#KIND_GRPC}), kept in the node's local map. A job may arrive a moment before the
 * node installed its executor: {@link #of} waits for it.
 */
public final class BatchExecutors {
  private static final String NODE_LOCAL_KEY = "gridqueue.batch-executor.";

  private BatchExecutors() {}

  /**
   * Makes {@code executor} the one that runs batches of workers of {@code kind} on {@code ignite}'s
   * node.
   */
  public static void install(Ignite ignite, String kind, BatchExecutor executor) {
    slot(ignite, kind).complete(executor);
  }

  /** The node's executor for {@code kind}, once installed. */
  public static CompletableFuture<BatchExecutor> of(Ignite ignite, String kind) {
    return slot(ignite, kind);
  }

  @SuppressWarnings("unchecked")
  private static CompletableFuture<BatchExecutor> slot(Ignite ignite, String kind) {
    ConcurrentMap<String, Object> local = ignite.cluster().nodeLocalMap();
    return (CompletableFuture<BatchExecutor>)
        local.computeIfAbsent(NODE_LOCAL_KEY + kind, k -> new CompletableFuture<BatchExecutor>());
  }
}
