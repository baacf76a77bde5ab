package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.notice.BatchesQueued;
import dev.gridqueue.grid.notice.GridTopics;
import dev.gridqueue.grid.notice.SchedulerLocation;
import dev.gridqueue.grid.notice.SessionUpdated;
import dev.gridqueue.grid.store.BatchFilters;
import dev.gridqueue.grid.store.QueuedBatchRef;
import dev.gridqueue.grid.store.RemoteWorkerRecord;
import dev.gridqueue.grid.store.SessionRecord;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.grid.store.TaskCounters;
import dev.gridqueue.grid.work.WorkerDescriptor;
import dev.gridqueue.scheduler.GridFigures;
import dev.gridqueue.scheduler.SchedulerLogs;
import dev.gridqueue.scheduler.SchedulerStats;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.query.ContinuousQuery;
import org.apache.ignite.cache.query.ContinuousQueryWithTransformer;
import org.apache.ignite.cache.query.QueryCursor;
import org.apache.ignite.cache.query.ScanQuery;
import org.apache.ignite.events.DiscoveryEvent;
import org.apache.ignite.events.Event;
import org.apache.ignite.events.EventType;
import org.apache.ignite.lang.IgniteBiPredicate;
import org.apache.ignite.lang.IgnitePredicate;
import org.apache.ignite.resources.IgniteInstanceResource;
import org.apache.ignite.services.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler: an Ignite cluster singleton. It keeps no state of its own that the caches do not
 * hold, so when its node dies Ignite starts it on another server node, which rebuilds the queue
 * from the batches cache (batches that were running are queued again: execution is at-least-once,
 * delivery deduplicated by the frontend).
 */
public final class SchedulerService implements Service, SchedulerStats {
  public static final String NAME = "gridqueue-scheduler";
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerService.class);
  private static final int[] TOPOLOGY_EVENTS = {
    EventType.EVT_NODE_JOINED, EventType.EVT_NODE_LEFT, EventType.EVT_NODE_FAILED
  };

  @IgniteInstanceResource private transient Ignite ignite;
  private transient volatile SchedulingLoop loop;
  private transient ScheduledExecutorService rescans;
  private transient List<QueryCursor<?>> cursors;
  private transient Reconciler reconciler;
  private transient CounterCheckpoint counters;
  private transient IgnitePredicate<Event> topologyListener;
  private transient IgniteBiPredicate<UUID, Object> queuedNotices;
  private transient IgniteBiPredicate<UUID, Object> updateNotices;

  /** How often the sessions the scheduler knows are compared with the stored versions. */
  static final long SESSION_CHECK_MILLIS = 2_000;

  private transient TransactionsLog transactions;
  private transient StatsLog statsLog;

  /** Whether this scheduler carries on from another's counters (it took over). */
  private transient boolean tookOver;

  @Override
  public void init() {
    loop = new SchedulingLoop(new SchedulerState());
    queuedNotices = this::onBatchesQueued;
    updateNotices = this::onSessionUpdated;
    cursors = new ArrayList<>();
    rescans =
        Executors.newScheduledThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "gridqueue-scheduler-upkeep");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public void execute() {
    Dispatcher dispatcher = new Dispatcher(ignite, loop);
    counters = new CounterCheckpoint(ignite, loop, rescans);
    TaskCounters carriedOver = counters.grid();
    tookOver = !carriedOver.equals(TaskCounters.ZERO) || carriedOver.takenAtMillis() > 0;
    LOG.info("scheduler carries on from the checkpointed task counters: {}", carriedOver);
    loop.post(state -> state.restoreGridCounters(carriedOver));
    openLogs();
    watchWorkers(dispatcher);
    watchRemoteWorkers();
    watchSessions();
    watchBatches();
    reconciler =
        new Reconciler(ignite, loop, rescans, System::currentTimeMillis, this::enqueueWithSession);
    reconciler.start();
    counters.start();
    LOG.info("scheduler running on node {}", ignite.cluster().localNode().id());
    loop.run(dispatcher);
  }

  /** The transactions and stats logs this node was started with, if any (see SchedulerLogs). */
  private void openLogs() {
    SchedulerLogs paths = SchedulerLogs.of(ignite.cluster().localNode());
    paths
        .transactions()
        .ifPresent(
            file -> {
              TransactionsLog log = new TransactionsLog(file, ignite.name());
              transactions = log;
              log.schedulerStart();
              loop.post(state -> state.logTo(log));
              LOG.info("scheduler writes its transactions log to {}", file);
            });
    paths
        .stats()
        .ifPresent(
            file -> {
              statsLog = new StatsLog(file, ignite.name());
              rescans.scheduleWithFixedDelay(
                  () -> {
                    Reconciler r = reconciler;
                    GridCensus.Census census = r == null ? null : r.latest();
                    long reconciled = r == null ? 0 : r.recovered();
                    loop.post(
                        state ->
                            statsLog.write(
                                new StatsSnapshot(state, census).build(null, reconciled)));
                  },
                  0,
                  StatsLog.PERIOD_MILLIS,
                  TimeUnit.MILLISECONDS);
              LOG.info("scheduler writes its stats log to {}", file);
            });
  }

  @Override
  public void cancel() {
    loop.stop();
    if (reconciler != null) {
      reconciler.stop();
    }
    ignite.message().stopLocalListen(GridTopics.BATCHES_QUEUED, queuedNotices);
    ignite.message().stopLocalListen(GridTopics.SESSION_UPDATED, updateNotices);
    rescans.shutdownNow();
    if (topologyListener != null) {
      ignite.events().stopLocalListen(topologyListener, TOPOLOGY_EVENTS);
    }
    for (QueryCursor<?> cursor : cursors) {
      try {
        cursor.close();
      } catch (RuntimeException e) {
        LOG.debug(
            "closing a scheduler query while the node stops", e); // the node takes it down anyway
      }
    }
    if (transactions != null) {
      transactions.close();
    }
    if (statsLog != null) {
      statsLog.close();
    }
  }

  @Override
  public GridFigures figures(String sessionId) {
    CompletableFuture<GridFigures> answer = new CompletableFuture<>();
    Reconciler r = reconciler;
    GridCensus.Census census = r == null ? null : r.latest();
    long reconciled = r == null ? 0 : r.recovered();
    loop.post(
        state -> answer.complete(new StatsSnapshot(state, census).build(sessionId, reconciled)));
    try {
      return answer.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the scheduler's stats", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the scheduler did not answer with its stats in 5 s", e);
    }
  }

  private void watchWorkers(Dispatcher dispatcher) {
    topologyListener =
        event -> {
          DiscoveryEvent discovery = (DiscoveryEvent) event;
          if (event.type() == EventType.EVT_NODE_JOINED) {
            WorkerDescriptor.of(discovery.eventNode())
                .ifPresent(w -> loop.post(s -> s.addWorker(w)));
          } else {
            boolean lost = event.type() == EventType.EVT_NODE_FAILED;
            dispatcher.forgetNode(discovery.eventNode().id());
            loop.post(s -> s.removeWorkersOn(discovery.eventNode().id(), lost));
            if (!discovery.eventNode().isClient()) {
              forgetRemoteWorkersOn(discovery.eventNode().id(), lost);
            }
          }
          return true;
        };
    ignite.events().localListen(topologyListener, TOPOLOGY_EVENTS);
    // Workers already there joined before this scheduler; one taking over does not count them.
    boolean joined = !tookOver;
    ignite
        .cluster()
        .nodes()
        .forEach(
            n -> WorkerDescriptor.of(n).ifPresent(w -> loop.post(s -> s.addWorker(w, joined))));
  }

  /**
   * Polyglot workers come and go through their registry cache. Entries of nodes no longer in the
   * grid (their streams died with the node) are removed.
   */
  private void watchRemoteWorkers() {
    IgniteCache<String, RemoteWorkerRecord> registry = ignite.cache(CacheNames.REMOTE_WORKERS);
    ContinuousQuery<String, RemoteWorkerRecord> changes = new ContinuousQuery<>();
    changes.setLocalListener(
        events ->
            events.forEach(
                e -> {
                  if (e.getEventType() == javax.cache.event.EventType.REMOVED) {
                    loop.post(s -> s.removeWorker(e.getKey(), "the polyglot worker left"));
                  } else {
                    WorkerDescriptor w = e.getValue().descriptor();
                    loop.post(s -> s.addWorker(w));
                  }
                }));
    cursors.add(registry.query(changes));
    Set<UUID> live = new HashSet<>();
    ignite.cluster().nodes().forEach(n -> live.add(n.id()));
    try (QueryCursor<Cache.Entry<String, RemoteWorkerRecord>> existing =
        registry.query(new ScanQuery<>())) {
      for (Cache.Entry<String, RemoteWorkerRecord> e : existing) {
        if (live.contains(e.getValue().nodeId())) {
          WorkerDescriptor w = e.getValue().descriptor();
          boolean joined = !tookOver;
          loop.post(s -> s.addWorker(w, joined));
        } else {
          registry.removeAsync(e.getKey());
        }
      }
    }
  }

  /**
   * Drops the registry entries of polyglot workers attached to a node that left; {@code lost}: the
   * node failed, and so are its workers (counted as lost before their entries go).
   */
  private void forgetRemoteWorkersOn(UUID nodeId, boolean lost) {
    rescans.execute(
        () -> {
          IgniteCache<String, RemoteWorkerRecord> registry =
              ignite.cache(CacheNames.REMOTE_WORKERS);
          try (QueryCursor<Cache.Entry<String, RemoteWorkerRecord>> all =
              registry.query(new ScanQuery<>())) {
            for (Cache.Entry<String, RemoteWorkerRecord> e : all) {
              if (e.getValue().nodeId().equals(nodeId)) {
                String workerId = e.getKey();
                loop.post(s -> s.removeWorker(workerId, "its grid node left", lost));
                registry.removeAsync(workerId);
              }
            }
          } catch (RuntimeException e) {
            LOG.debug("could not clean polyglot workers of node {}: {}", nodeId, e.toString());
          }
        });
  }

  private void watchSessions() {
    ContinuousQueryWithTransformer<String, SessionRecord, String> closed =
        new ContinuousQueryWithTransformer<>();
    closed.setRemoteFilterFactory(FactoryBuilder.factoryOf(new BatchFilters.SessionGone()));
    closed.setRemoteTransformerFactory(FactoryBuilder.factoryOf(new BatchFilters.SessionKey()));
    closed.setLocalListener(ids -> ids.forEach(id -> loop.post(s -> s.removeSession(id))));
    cursors.add(sessions().query(closed));
    ignite.message().localListen(GridTopics.SESSION_UPDATED, updateNotices);
    rescans.scheduleWithFixedDelay(
        () -> loop.post(this::refreshSessions),
        SESSION_CHECK_MILLIS,
        SESSION_CHECK_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  private boolean onSessionUpdated(UUID from, Object notice) {
    String id = ((SessionUpdated) notice).sessionId();
    loop.post(state -> refreshSession(state, id));
    return true;
  }

  /**
   * Applies the stored version of a session the scheduler knows (replicated: this node's copy is
   * current once the update returned). Runs on the loop.
   */
  private void refreshSession(SchedulerState state, String sessionId) {
    if (state.knowsSession(sessionId)) {
      SessionRecord record = sessions().localPeek(sessionId);
      if (record != null) {
        state.updateSession(SessionInfo.of(record));
      }
    }
  }

  /**
   * The safety net of update notices: a session whose stored version is newer than the one the
   * scheduler holds (its notice was lost with a node) is updated. Runs on the loop.
   */
  private void refreshSessions(SchedulerState state) {
    state
        .sessionVersions()
        .forEach(
            (id, version) -> {
              SessionRecord record = sessions().localPeek(id);
              if (record != null && record.version() > version) {
                LOG.info(
                    "session {} was updated and its notice has not arrived (lost with a node?):"
                        + " applying version {}",
                    id,
                    record.version());
                state.updateSession(SessionInfo.of(record));
              }
            });
  }

  /**
   * Listens for the grid nodes' notices of stored batches, then claims the scheduler's location,
   * then scans what is already queued: a batch stored before the claim is found by the scan, one
   * stored after it is announced here (see {@code SchedulerLocation}). Duplicates are ignored.
   */
  private void watchBatches() {
    ignite.message().localListen(GridTopics.BATCHES_QUEUED, queuedNotices);
    new SchedulerLocation(ignite).claim(ignite.cluster().localNode().id());
    int found = scanQueued();
    if (found > 0) {
      LOG.info("scheduler recovered {} queued batches from the grid", found);
    }
  }

  private boolean onBatchesQueued(UUID from, Object notice) {
    ((BatchesQueued) notice).refs().forEach(this::postQueued);
    return true;
  }

  /** Posts every queued batch in the grid; returns how many there were. */
  private int scanQueued() {
    int found = 0;
    IgniteCache<String, StoredBatch> batches = ignite.cache(CacheNames.BATCHES);
    try (QueryCursor<Cache.Entry<String, StoredBatch>> existing =
        batches.query(new ScanQuery<>(new BatchFilters.Queued()))) {
      for (Cache.Entry<String, StoredBatch> e : existing) {
        StoredBatch b = e.getValue();
        postQueued(QueuedBatchRef.of(e.getKey(), b));
        found++;
      }
    }
    return found;
  }

  private void postQueued(QueuedBatchRef ref) {
    loop.post(state -> enqueueWithSession(state, ref));
  }

  /** Queues the batch, adding its session first if new. Runs on the loop. */
  private void enqueueWithSession(SchedulerState state, QueuedBatchRef ref) {
    if (!state.knowsSession(ref.sessionId)) {
      SessionRecord session =
          sessions().localPeek(ref.sessionId); // replicated: every server holds it
      if (session == null) {
        return; // closed while the batch was on its way; close removes the batch too
      }
      state.addSession(SessionInfo.of(session));
      state.restoreSessionCounters(ref.sessionId, counters.session(ref.sessionId));
    }
    state.enqueue(ref);
  }

  private IgniteCache<String, SessionRecord> sessions() {
    return ignite.cache(CacheNames.SESSIONS);
  }
}
