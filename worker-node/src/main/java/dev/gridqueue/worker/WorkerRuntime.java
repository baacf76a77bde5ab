package dev.gridqueue.worker;

import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.notice.GridTopics;
import dev.gridqueue.grid.notice.WorkerInstruction;
import dev.gridqueue.grid.store.CancelSet;
import dev.gridqueue.grid.work.BatchExecutors;
import dev.gridqueue.grid.work.WorkerDescriptor;
import dev.gridqueue.shareddata.FileStore;
import dev.gridqueue.shareddata.SharedDataReader;
import dev.gridqueue.worker.internal.BatchRunner;
import dev.gridqueue.worker.internal.CancellationsView;
import dev.gridqueue.worker.internal.HandlerRegistry;
import dev.gridqueue.worker.internal.JvmBatchExecutor;
import dev.gridqueue.worker.internal.SharedDataAccess;
import dev.gridqueue.worker.internal.Slots;
import dev.gridqueue.worker.internal.UnboundSessions;
import dev.gridqueue.worker.internal.command.CommandRunner;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.configuration.NearCacheConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executing half of a worker, attached to the Ignite node it runs on (a worker node, or a grid
 * server with a local worker): it installs the node's {@link JvmBatchExecutor}, which the
 * scheduler's jobs find through the node-local map, so a worker needs no static state and several
 * grids can live in one JVM (tests).
 */
public final class WorkerRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerRuntime.class);

  /** Assembled shared-data payloads a worker keeps, at most this share of its heap. */
  private static final double ASSEMBLED_SHARED_DATA_HEAP_SHARE = 0.25;

  /**
   * Job threads beyond the slots: batches reading their tasks or writing their results wait on
   * these, so the slots stay busy running tasks (with two server nodes, a batch's reads and writes
   * cross JVMs and take milliseconds).
   */
  static final int IO_JOB_THREADS = 32;

  private final WorkerOptions options;
  private final HandlerRegistry handlers;
  private volatile SharedDataAccess sharedData;
  private volatile CommandRunner commands;

  private WorkerRuntime(WorkerOptions options, HandlerRegistry handlers) {
    this.options = options;
    this.handlers = handlers;
  }

  /**
   * A runtime with the handlers found on the classpath and in the options' handlers directory, for
   * the options' apps.
   *
   * @throws HandlerLoadException if the handlers cannot be set up (the message says why)
   */
  public static WorkerRuntime create(WorkerOptions options) {
    Set<String> handlerApps = new HashSet<>(options.apps());
    handlerApps.remove(ContractLimits.COMMAND_APP_ID); // run by the worker, not by a handler
    HandlerRegistry handlers =
        !options.apps().isEmpty() && handlerApps.isEmpty()
            ? HandlerRegistry.none()
            : HandlerRegistry.load(
                handlerApps, WorkerRuntime.class.getClassLoader(), options.handlersDirectory());
    LOG.info("worker {} task handlers: {}", options.workerId(), handlers.describeOrigins());
    return new WorkerRuntime(options, handlers);
  }

  /** Node attributes that advertise this worker; set them on the node before it starts. */
  public Map<String, Object> nodeAttributes() {
    Set<String> apps = new TreeSet<>(handlers.appIds());
    if (options.runsCommands()) {
      apps.add(ContractLimits.COMMAND_APP_ID);
    }
    return WorkerDescriptor.attributes(
        options.workerId(), options.slots(), apps, options.tags(), options.resources());
  }

  /**
   * Makes this runtime the one that runs batches dispatched to {@code ignite}'s node. A worker that
   * is a client node reads shared data and cancellations through near caches; a worker inside a
   * grid server reads the server's own partitions.
   */
  public void installOn(Ignite ignite) {
    boolean clientNode = Boolean.TRUE.equals(ignite.configuration().isClientMode());
    IgniteCache<String, Object> sharedCache =
        clientNode
            ? ignite.getOrCreateNearCache(CacheNames.SHARED_DATA, new NearCacheConfiguration<>())
            : ignite.cache(CacheNames.SHARED_DATA);
    sharedData =
        new SharedDataAccess(
            new SharedDataReader(sharedCache, clientNode),
            (long) (Runtime.getRuntime().maxMemory() * ASSEMBLED_SHARED_DATA_HEAP_SHARE));
    IgniteCache<String, CancelSet> cancellations =
        clientNode
            ? ignite.getOrCreateNearCache(CacheNames.CANCELLATIONS, new NearCacheConfiguration<>())
            : ignite.cache(CacheNames.CANCELLATIONS);
    UnboundSessions unbound = new UnboundSessions(options.workerId());
    Path work = Path.of(ignite.configuration().getWorkDirectory());
    commands =
        options.runsCommands()
            ? CommandRunner.create(
                new FileStore(ignite),
                options.sandboxDirectory().orElse(work.resolve("sandboxes")),
                options.cacheDirectory().orElse(work.resolve("input-cache")),
                options.cacheMb() << 20,
                options.workerId())
            : null;
    ignite
        .message()
        .localListen(
            GridTopics.WORKER_INSTRUCTIONS,
            (nodeId, msg) -> {
              unbound.onInstruction((WorkerInstruction) msg);
              return true;
            });
    BatchExecutors.install(
        ignite,
        WorkerDescriptor.KIND_JVM,
        new JvmBatchExecutor(
            ignite,
            new BatchRunner(handlers, commands, options.workerId(), WorkerDescriptor.machineName()),
            new Slots(options.slots()),
            unbound,
            new CancellationsView(cancellations),
            sharedData));
  }

  /** Runs this worker's command tasks; null if it runs none. */
  public CommandRunner commands() {
    return commands;
  }

  /** Shared data as this worker reads it (fetch counts for tests and stats). */
  public SharedDataAccess sharedData() {
    return sharedData;
  }

  public WorkerOptions options() {
    return options;
  }

  /** Ignite job threads the worker's node needs: its slots, plus threads that wait on the grid. */
  public int jobThreads() {
    return options.slots() + IO_JOB_THREADS;
  }
}
