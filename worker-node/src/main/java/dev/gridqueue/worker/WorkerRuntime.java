package dev.gridqueue.worker;

import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.shareddata.SharedDataReader;
import dev.gridqueue.worker.internal.BatchRunner;
import dev.gridqueue.worker.internal.SharedDataAccess;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.configuration.NearCacheConfiguration;
import dev.gridqueue.worker.internal.HandlerRegistry;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import dev.gridqueue.grid.store.CancelSet;
import org.apache.ignite.Ignite;

/**
 * The executing half of a worker, attached to the Ignite node it runs on. Batch jobs dispatched
 * to that node find it through the node-local map, so a worker needs no static state and several
 * grids can live in one JVM (tests).
 */
public final class WorkerRuntime {
  private static final String NODE_LOCAL_KEY = "gridqueue.worker.runtime";

  /** Assembled shared-data payloads a worker keeps, at most this share of its heap. */
  private static final double ASSEMBLED_SHARED_DATA_HEAP_SHARE = 0.25;

  private final WorkerOptions options;
  private final HandlerRegistry handlers;
  private final BatchRunner runner;
  /** One permit per slot: held while a batch runs, not while its job waits on the grid. */
  private final java.util.concurrent.Semaphore slots;
  private volatile SharedDataAccess sharedData;
  private volatile IgniteCache<String, CancelSet> cancellations;
  /** Per session, the latest binding generation the scheduler took away (UNBIND). */
  private final ConcurrentMap<String, Long> unbound = new ConcurrentHashMap<>();

  /** Ignite message topic of UNBIND instructions to worker nodes: an {@link Unbind}. */
  public static final String UNBIND_TOPIC = "gridqueue.worker.unbind";

  /** An UNBIND instruction: batches of that binding generation or older not started go back. */
  public static final class Unbind implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final String sessionId;
    private final long generation;

    public Unbind(String sessionId, long generation) {
      this.sessionId = sessionId;
      this.generation = generation;
    }
  }

  /**
   * Job threads beyond the slots: batches reading their tasks or writing their results wait on
   * these, so the slots stay busy running tasks (with two server nodes, a batch's reads and
   * writes cross JVMs and take milliseconds).
   */
  static final int IO_JOB_THREADS = 32;

  private WorkerRuntime(WorkerOptions options, HandlerRegistry handlers) {
    this.slots = new java.util.concurrent.Semaphore(options.slots());
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

  /**
   * Makes this runtime the one that runs batches dispatched to {@code ignite}'s node. A worker
   * that is a client node reads shared data through a near cache; a worker inside a grid server
   * reads the server's own partitions.
   */
  public void installOn(Ignite ignite) {
    boolean clientNode = Boolean.TRUE.equals(ignite.configuration().isClientMode());
    IgniteCache<String, Object> cache =
        clientNode
            ? ignite.getOrCreateNearCache(CacheNames.SHARED_DATA, new NearCacheConfiguration<>())
            : ignite.cache(CacheNames.SHARED_DATA);
    sharedData =
        new SharedDataAccess(
            new SharedDataReader(cache, clientNode),
            (long) (Runtime.getRuntime().maxMemory() * ASSEMBLED_SHARED_DATA_HEAP_SHARE));
    cancellations =
        clientNode
            ? ignite.getOrCreateNearCache(CacheNames.CANCELLATIONS, new NearCacheConfiguration<>())
            : ignite.cache(CacheNames.CANCELLATIONS);
    ignite.message().localListen(UNBIND_TOPIC, (nodeId, msg) -> {
      Unbind u = (Unbind) msg;
      unbound.merge(u.sessionId, u.generation, Math::max);
      return true;
    });
    slot(ignite).complete(this);
  }

  /** Whether batches of this binding generation must be handed back unstarted. */
  boolean isUnbound(String sessionId, long generation) {
    Long taken = unbound.get(sessionId);
    return taken != null && generation > 0 && generation <= taken;
  }

  /** The session's cancellations (read through the near cache on a worker node). */
  CancelSet cancellations(String sessionId) {
    CancelSet set = cancellations == null ? null : cancellations.get(sessionId);
    return set == null ? CancelSet.EMPTY : set;
  }

  /** Shared data as this worker reads it (fetch counts for tests and stats). */
  public SharedDataAccess sharedData() {
    return sharedData;
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

  /** Ignite job threads the worker's node needs: its slots, plus threads that wait on the grid. */
  public int jobThreads() {
    return options.slots() + IO_JOB_THREADS;
  }

  /** Runs {@code work} in a slot, waiting for one; interrupted waiting means the node stops. */
  <T> T inSlot(java.util.concurrent.Callable<T> work) throws Exception {
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new dev.gridqueue.worker.internal.BatchAbortedException("interrupted waiting for a slot");
    }
    try {
      return work.call();
    } finally {
      slots.release();
    }
  }

  BatchRunner runner() {
    return runner;
  }
}
