package dev.gridqueue.server.internal.gateway;

import com.google.protobuf.Empty;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.CancelReply;
import dev.gridqueue.proto.v1.CancelRequest;
import dev.gridqueue.proto.v1.Instruction;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.Session;
import dev.gridqueue.proto.v1.Stats;
import dev.gridqueue.proto.v1.StatsRequest;
import dev.gridqueue.proto.v1.WorkerState;
import dev.gridqueue.scheduler.Scheduler;
import dev.gridqueue.server.internal.polyglot.RemoteWorkerHub;
import dev.gridqueue.server.internal.polyglot.WorkerIdMetadata;
import dev.gridqueue.server.security.Caller;
import dev.gridqueue.shareddata.SharedDataStore;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.ignite.Ignite;
import org.apache.ignite.events.DiscoveryEvent;
import org.apache.ignite.events.Event;
import org.apache.ignite.events.EventType;
import org.apache.ignite.lang.IgnitePredicate;

/**
 * The gRPC Queue service of a grid node: sessions and client task streams.
 *
 * <p>The gRPC server runs handlers directly on its network threads (measured: 3x the small-batch
 * throughput of a handler thread pool), so nothing here may block: calls that wait on the grid
 * (session create and close, stats) run on {@link #blockingCalls}; opening a stream's result
 * subscription and cancels run on their own bounded pools.
 */
public final class QueueService extends QueueGrpc.QueueImplBase implements AutoCloseable {
  private final Ignite ignite;
  private final SessionStore sessions;
  private final BatchIntake intake;

  /** Grid calls that may wait (replicated writes, scans, continuous-query registration). */
  private final Executor blockingCalls;

  /** Stores coalesced batches whose linger time is up. */
  private final ScheduledExecutorService lingerTimer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "gridqueue-intake-linger");
            t.setDaemon(true);
            return t;
          });

  private final GrpcBlockingCalls unaryCalls;
  private final GrpcBlockingCalls cancels;

  /** Tells the scheduler about stored batches. */
  private final QueuedAnnouncer announcer;

  /** Tells the scheduler about updated sessions. */
  private final SessionUpdateNotices updateNotices;

  /** Results and dead letters for the streams attached to this node. */
  private final ResultFeed feed;

  /**
   * {@code deliveryAckTimeout}: how long a result or dead-letter delivery stays in the grid after
   * it was sent when the client does not acknowledge it; {@code defaultIdleTimeout}: the idle
   * timeout of sessions that set none; {@code polyglotBatchDeadline}: how long a polyglot worker
   * may hold a batch of a session that sets no {@code max_task_running_time}.
   */
  public QueueService(
      Ignite ignite,
      SharedDataStore sharedData,
      Executor blockingCalls,
      java.time.Duration deliveryAckTimeout,
      GatewayQuotas quotas,
      java.time.Duration defaultIdleTimeout,
      java.time.Duration polyglotBatchDeadline) {
    this.ignite = ignite;
    this.queuedBytes =
        new QueuedBytes(
            quotas.queuedBytesPerSession(),
            quotas.queuedBytesPerServer(),
            new DataRegionGuard(ignite, quotas.dataRegionWritesStopAt()));
    this.streamSlots = new SessionStreams(quotas.streamsPerSession());
    this.deliveryAckTimeout = deliveryAckTimeout;
    this.blockingCalls = blockingCalls;
    this.unaryCalls = new GrpcBlockingCalls(blockingCalls);
    this.cancels = new GrpcBlockingCalls(cancelCalls);
    ignite.events().localListen(serverLeft, EventType.EVT_NODE_LEFT, EventType.EVT_NODE_FAILED);
    this.sessions = new SessionStore(ignite, sharedData);
    this.announcer = new QueuedAnnouncer(ignite);
    this.updateNotices = new SessionUpdateNotices(ignite);
    this.intake = new BatchIntake(ignite, announcer, queuedBytes);
    this.feed = new ResultFeed(ignite, blockingCalls);
    this.remoteWorkers = RemoteWorkerHub.install(ignite, blockingCalls, polyglotBatchDeadline);
    this.guard = new SessionGuard(ignite, remoteWorkers::serves);
    IdleSessionJanitor janitor =
        new IdleSessionJanitor(ignite, sessions, this::attachedSessions, defaultIdleTimeout);
    lingerTimer.scheduleAtFixedRate(
        () -> blockingCalls.execute(janitor),
        IdleSessionJanitor.ROUND_MILLIS,
        IdleSessionJanitor.ROUND_MILLIS,
        TimeUnit.MILLISECONDS);
    long sweepMillis = Math.max(10, Math.min(1_000, deliveryAckTimeout.toMillis() / 4));
    lingerTimer.scheduleWithFixedDelay(
        () -> blockingCalls.execute(this::sweepDeliveries),
        sweepMillis,
        sweepMillis,
        TimeUnit.MILLISECONDS);
  }

  private final java.time.Duration deliveryAckTimeout;

  private final QueuedBytes queuedBytes;
  private final SessionStreams streamSlots;

  /**
   * Opening a stream's result subscription (a replicated write and a scan) and cancels (an update
   * of a replicated set) can be slow; each has its own small bounded pool, so neither queues ahead
   * of the unary calls on {@link #blockingCalls} (head-of-line blocking), and a flood of them is
   * refused (RESOURCE_EXHAUSTED) instead of queued without bound.
   */
  private final java.util.concurrent.ThreadPoolExecutor attachCalls =
      BoundedPool.of("gridqueue-stream-attach", 2, 1_024);

  private final java.util.concurrent.ThreadPoolExecutor cancelCalls =
      BoundedPool.of("gridqueue-cancel", 1, 64);

  /** Open dead-letter streams: swept for ack timeouts and closed sessions (as client streams). */
  private final Set<DeadLetterStream> deadLetterStreams = ConcurrentHashMap.newKeySet();

  private void sweepDeliveries() {
    try {
      queuedBytes.forgetClosed(sessions::exists);
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(QueueService.class)
          .warn("queued-bytes sweep failed: {}", e.toString());
    }
    streams.removeIf(ClientStreamHandler::isEnded);
    deadLetterStreams.removeIf(DeadLetterStream::isEnded);
    try {
      for (ClientStreamHandler stream : streams) {
        stream.expireDeliveries();
        stream.endIfSessionClosed();
      }
      for (DeadLetterStream stream : deadLetterStreams) {
        stream.sweep();
      }
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(QueueService.class)
          .warn("delivery sweep failed: {}", e.toString());
    }
  }

  private DeliveryLedger newLedger() {
    return new DeliveryLedger(
        intake.cache(),
        lingerTimer,
        blockingCalls,
        deliveryAckTimeout,
        System::nanoTime,
        queuedBytes::removed);
  }

  private void deadLettersAcknowledged(java.util.List<String> keys) {
    for (DeadLetterStream stream : deadLetterStreams) {
      stream.acknowledgedElsewhere(keys);
    }
  }

  /** Sessions with a client stream attached to this node. */
  private Set<String> attachedSessions() {
    streams.removeIf(ClientStreamHandler::isEnded);
    Set<String> ids = new java.util.HashSet<>();
    for (ClientStreamHandler h : streams) {
      String id = h.boundSessionId();
      if (id != null && !h.isEnded()) {
        ids.add(id);
      }
    }
    return ids;
  }

  private final RemoteWorkerHub remoteWorkers;

  private final SessionGuard guard;

  /** Open client streams: re-scanned for results when a server node leaves, swept every second. */
  private final Set<ClientStreamHandler> streams = ConcurrentHashMap.newKeySet();

  private static final long[] RESCAN_DELAYS_MS = {2_000, 6_000, 15_000};

  private final IgnitePredicate<Event> serverLeft = this::onNodeLeft;

  private boolean onNodeLeft(Event event) {
    if (!((DiscoveryEvent) event).eventNode().isClient()) {
      for (long delay : RESCAN_DELAYS_MS) {
        lingerTimer.schedule(
            () -> blockingCalls.execute(this::rescanStreams), delay, TimeUnit.MILLISECONDS);
      }
    }
    return true;
  }

  private void rescanStreams() {
    streams.removeIf(ClientStreamHandler::isEnded);
    for (ClientStreamHandler stream : streams) {
      try {
        stream.rescanResults();
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(QueueService.class)
            .warn("result re-scan failed: {}", e.toString());
      }
    }
    for (DeadLetterStream stream : deadLetterStreams) {
      try {
        stream.rescan();
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(QueueService.class)
            .warn("dead-letter re-scan failed: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    ignite.events().stopLocalListen(serverLeft, EventType.EVT_NODE_LEFT, EventType.EVT_NODE_FAILED);
    lingerTimer.shutdownNow();
    attachCalls.shutdownNow();
    cancelCalls.shutdownNow();
    feed.close();
    announcer.close();
    remoteWorkers.close();
  }

  /** The caller's right to sessions (ownership by API key). */
  public SessionGuard guard() {
    return guard;
  }

  @Override
  public void createSession(Session request, StreamObserver<Session> response) {
    Caller caller = Authentication.current();
    offload(response, () -> sessions.create(request, caller.ownerName()));
  }

  @Override
  public void closeSession(Session request, StreamObserver<Empty> response) {
    Caller caller = Authentication.current();
    offload(
        response,
        () -> {
          guard.check(caller, request.getId());
          sessions.close(request.getId());
          return Empty.getDefaultInstance();
        });
  }

  private <T> void offload(StreamObserver<T> response, Supplier<T> call) {
    unaryCalls.answer(response, call);
  }

  @Override
  public StreamObserver<Batch> clientStream(StreamObserver<Batch> response) {
    Caller caller = Authentication.current();
    ClientStreamHandler handler =
        new ClientStreamHandler(
            feed,
            sessions,
            intake,
            lingerTimer,
            blockingCalls,
            attachCalls,
            streamSlots,
            queuedBytes,
            (ServerCallStreamObserver<Batch>) response,
            newLedger(),
            deliveryAckTimeout,
            this::deadLettersAcknowledged,
            id -> guard.check(caller, id));
    streams.add(handler);
    String fromMetadata = SessionIdMetadata.SESSION_ID.get();
    handler.start(fromMetadata == null ? "" : fromMetadata);
    return handler;
  }

  @Override
  public void getStats(StatsRequest request, StreamObserver<Stats> response) {
    Caller caller = Authentication.current();
    offload(
        response,
        () -> {
          String only = request.getSessionId().isEmpty() ? null : request.getSessionId();
          if (only != null) {
            sessions.require(only);
            guard.check(caller, only);
          }
          Stats all =
              WireStats.of(
                  Scheduler.stats(ignite).figures(only),
                  ignite.cluster().forServers().nodes().size());
          return caller.isAdmin() ? all : WireStats.visibleTo(all, id -> guard.sees(caller, id));
        });
  }

  @Override
  public void updateSession(Session request, StreamObserver<Session> response) {
    Caller caller = Authentication.current();
    offload(
        response,
        () -> {
          guard.check(caller, request.getId());
          Session updated = sessions.update(request);
          updateNotices.announce(request.getId());
          return updated;
        });
  }

  @Override
  public void clientStreamDeadLetters(Session request, StreamObserver<Batch> response) {
    Caller caller = Authentication.current();
    DeadLetterStream stream =
        new DeadLetterStream(
            feed,
            intake::getAll,
            sessions,
            blockingCalls,
            attachCalls,
            streamSlots,
            (ServerCallStreamObserver<Batch>) response,
            newLedger(),
            deliveryAckTimeout,
            id -> guard.check(caller, id));
    deadLetterStreams.add(stream);
    stream.start(request.getId());
  }

  @Override
  public void cancelTasks(CancelRequest request, StreamObserver<CancelReply> response) {
    Caller caller = Authentication.current();
    cancels.answer(
        response,
        () -> {
          guard.check(caller, request.getSessionId());
          // Counted before any set is built from them: a huge list costs nothing more.
          dev.gridqueue.grid.errors.FieldChecks.count(
              "task_ids and tags",
              request.getTaskIdsCount() + request.getTagsCount(),
              dev.gridqueue.client.ContractLimits.CANCEL_ITEMS_PER_REQUEST_MAX);
          return CancelReply.newBuilder()
              .setAccepted(
                  sessions.cancel(
                      request.getSessionId(),
                      new java.util.HashSet<>(request.getTaskIdsList()),
                      new java.util.HashSet<>(request.getTagsList()),
                      request.getAll()))
              .build();
        });
  }

  @Override
  public StreamObserver<WorkerState> workerUpdate(StreamObserver<Instruction> response) {
    String peer = PeerAddress.current();
    return remoteWorkers.openUpdates(
        WorkerIdMetadata.current(),
        (ServerCallStreamObserver<Instruction>) response,
        peer,
        Authentication.current());
  }

  @Override
  public StreamObserver<Batch> workerStream(StreamObserver<Batch> response) {
    return remoteWorkers.openSessionStream(
        Authentication.current(),
        WorkerIdMetadata.current(),
        SessionIdMetadata.SESSION_ID.get(),
        (ServerCallStreamObserver<Batch>) response);
  }
}
