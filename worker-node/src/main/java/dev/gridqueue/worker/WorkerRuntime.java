package dev.gridqueue.worker;

import dev.gridqueue.worker.internal.BatchRunner;
import dev.gridqueue.worker.internal.HandlerRegistry;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import org.apache.ignite.Ignite;

/**
 * The executing half of a worker, attached to the Ignite node it runs on. Batch jobs dispatched
 * to that node find it through the node-local map, so a worker needs no static state and several
 * grids can live in one JVM (tests).
 */
public final class WorkerRuntime {
  private static final String NODE_LOCAL_KEY = "gridqueue.worker.runtime";

  private final WorkerOptions options;
  private final HandlerRegistry handlers;
  private final BatchRunner runner;

  private WorkerRuntime(WorkerOptions options, HandlerRegistry handlers) {
    this.options = options;
    this.handlers = handlers;
    this.runner = new BatchRunner(handlers);
  }

  /**
   * A runtime with the handlers found on the classpath for the options' apps.
   *
   * @throws IllegalArgumentException if an app the options name has no handler
   */
  public static WorkerRuntime create(WorkerOptions options) {
    return new WorkerRuntime(
        options, HandlerRegistry.load(options.apps(), WorkerRuntime.class.getClassLoader()));
  }

  /** Node attributes that advertise this worker; set them on the node before it starts. */
  public Map<String, Object> nodeAttributes() {
    return WorkerDescriptor.attributes(options, handlers.appIds());
  }

  /** Makes this runtime the one that runs batches dispatched to {@code ignite}'s node. */
  public void installOn(Ignite ignite) {
    slot(ignite).complete(this);
  }

  /** The runtime of {@code ignite}'s node, once installed. */
  static CompletableFuture<WorkerRuntime> of(Ignite ignite) {
    return slot(ignite);
  }

  @SuppressWarnings("unchecked")
  private static CompletableFuture<WorkerRuntime> slot(Ignite ignite) {
    ConcurrentMap<String, Object> local = ignite.cluster().nodeLocalMap();
    return (CompletableFuture<WorkerRuntime>)
        local.computeIfAbsent(NODE_LOCAL_KEY, k -> new CompletableFuture<WorkerRuntime>());
  }

  public WorkerOptions options() {
    return options;
  }

  BatchRunner runner() {
    return runner;
  }
}
