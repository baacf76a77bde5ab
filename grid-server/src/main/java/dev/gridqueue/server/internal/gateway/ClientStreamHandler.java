package dev.gridqueue.server.internal.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gridqueue.grid.errors.InvalidRequestException;
import dev.gridqueue.grid.store.ClientBatches;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.proto.v1.Batch;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import dev.gridqueue.grid.store.BatchState;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's task stream: accepts task batches of one session into the grid and pushes the
 * session's results back, each batch once.
 *
 * <p>Intake is a group commit. While few of this stream's batches are in the grid, every batch is
 * stored at once (no added latency). Under load (at least {@link #COALESCE_ABOVE} stored batches
 * awaiting results, or {@link #STORES_IN_FLIGHT} stores running) arriving batches join a {@link
 * PendingGroup}, stored as one grid batch when it fills, when a store completes or a result is
 * delivered, and at the latest {@link #LINGER_MICROS} µs after it was started. Every grid
 * operation downstream is per stored batch, so small client batches then share them. Flow
 * control: {@link #REQUEST_WINDOW} messages are requested ahead; requesting pauses while the
 * pending group is full.
 *
 * <p>Delivery respects the client's pace: while the client is not ready for more, done batches
 * are parked by key only (their results stay in the grid) and sent when it is ready again.
 *
 * <p>Delivery is acknowledged: every result batch carries its stored key as {@code delivery_id}
 * and stays in the grid until the client names it in {@code ack_delivery_ids}, until the ack
 * timeout has passed since it was sent, or until the stream completes normally (see {@link
 * DeliveryLedger}). If the stream breaks, what was not acknowledged is sent again to the next
 * stream of the session. A done batch without result messages (all its tasks were dead-lettered)
 * answers its tasks but sends nothing.
 */
final class ClientStreamHandler implements StreamObserver<Batch> {
  static final int REQUEST_WINDOW = 32;
  static final int STORES_IN_FLIGHT = 4;
  static final int COALESCE_ABOVE = 16;
  static final long LINGER_MICROS = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(ClientStreamHandler.class);

  private final ResultFeed feed;
  private final SessionStore sessions;
  private final BatchIntake intake;
  private final ServerCallStreamObserver<Batch> out;
  private final ScheduledExecutorService timer;
  private final Executor blockingCalls;
  private final Object outLock = new Object();
  private final Object intakeLock = new Object();
  /** Keys stored from this stream whose results are not yet delivered. */
  private final Set<String> outstanding = ConcurrentHashMap.newKeySet();
  /** Keys delivered on this stream, with when: a result reported twice is sent once. */
  private final Map<String, Long> delivered = new ConcurrentHashMap<>();
  /** Done batches waiting for the client to be ready (keys only: the results stay in the grid). */
  private final ParkedDeliveries parked;
  private final AtomicLong deliveries = new AtomicLong();
  private final DeliveryLedger ledger;
  /** Told about acknowledged dead letters, so the dead-letter streams stop tracking them. */
  private final java.util.function.Consumer<List<String>> deadLettersAcknowledged;
  private final long rememberDeliveriesNanos;

  private PendingGroup group; // guarded by intakeLock
  private int storesInFlight; // guarded by intakeLock
  private boolean paused; // guarded by intakeLock

  private volatile String sessionId;
  /** Whether small batches may be merged under load: not for sessions that declare resources. */
  private volatile boolean coalesce = true;
  private volatile ResultFeed.Attachment subscription;
  private volatile boolean halfClosed;
  private volatile boolean ended;

  ClientStreamHandler(
      ResultFeed feed,
      SessionStore sessions,
      BatchIntake intake,
      ScheduledExecutorService timer,
      Executor blockingCalls,
      ServerCallStreamObserver<Batch> out,
      DeliveryLedger ledger,
      java.time.Duration ackTimeout,
      java.util.function.Consumer<List<String>> deadLettersAcknowledged) {
    this.feed = feed;
    this.ledger = ledger;
    this.deadLettersAcknowledged = deadLettersAcknowledged;
    this.rememberDeliveriesNanos = ackTimeout.plusMinutes(1).toNanos();
    this.timer = timer;
    this.blockingCalls = blockingCalls;
    this.sessions = sessions;
    this.intake = intake;
    this.out = out;
    out.disableAutoRequest();
    out.setOnCancelHandler(this::onClientGone);
    this.parked =
        new ParkedDeliveries(
            out, blockingCalls, () -> ended, intake::getAll, BatchState.DONE, this::send,
            () -> "the result stream of session " + sessionId);
  }

  /** Starts the stream; {@code sessionFromMetadata} (may be empty) binds it before any batch. */
  void start(String sessionFromMetadata) {
    if (!sessionFromMetadata.isEmpty()) {
      try {
        sessions.require(sessionFromMetadata);
        bind(sessionFromMetadata);
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
    }
    out.request(REQUEST_WINDOW);
  }

  @Override
  public void onNext(Batch batch) {
    if (ended) {
      return;
    }
    try {
      String target = batch.getSessionId().isEmpty() && sessionId != null ? sessionId : batch.getSessionId();
      if (target.isEmpty()) {
        throw new InvalidRequestException("batch.session_id must not be empty");
      }
      if (sessionId != null && !sessionId.equals(target)) {
        throw new InvalidRequestException(
            "batch.session_id: this stream serves session " + sessionId + ", got " + target);
      }
      boolean acksOnly = batch.getMessagesCount() == 0 && batch.getAckDeliveryIdsCount() > 0;
      if (!acksOnly || sessionId == null) {
        sessions.require(target);
      }
      if (!acksOnly) {
        BatchIntake.validate(batch);
      }
      if (sessionId == null) {
        bind(target);
      }
      if (batch.getAckDeliveryIdsCount() > 0) {
        acknowledge(batch.getAckDeliveryIdsList());
        if (acksOnly) {
          out.request(1);
          return;
        }
        batch = batch.toBuilder().clearAckDeliveryIds().build(); // not stored with the tasks
      }
      accept(batch);
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  /** Deliveries of this session the client processed: they leave the grid (coalesced). */
  private void acknowledge(List<String> deliveryIds) {
    List<String> keys = new java.util.ArrayList<>(deliveryIds.size());
    List<String> deadLetters = null;
    for (String id : deliveryIds) {
      if (dev.gridqueue.grid.store.BatchKeys.belongsTo(id, sessionId)) {
        keys.add(id);
        if (id.endsWith(DeadLetterStream.KEY_SUFFIX)) {
          if (deadLetters == null) {
            deadLetters = new java.util.ArrayList<>();
          }
          deadLetters.add(id);
        }
      }
    }
    ledger.acknowledged(keys);
    if (deadLetters != null) {
      deadLettersAcknowledged.accept(deadLetters);
    }
  }

  private void accept(Batch batch) {
    synchronized (intakeLock) {
      if (group != null && !group.accepts(batch)) {
        storeGroup();
      }
      if (group == null) {
        group = new PendingGroup(batch, !coalesce);
        if (!storeGroupIfDue()) {
          PendingGroup lingering = group;
          timer.schedule(() -> storeLingering(lingering), LINGER_MICROS, TimeUnit.MICROSECONDS);
        }
      } else {
        group.add(batch);
        storeGroupIfDue();
      }
      if (group != null && group.isFull()) {
        paused = true; // resume when a store completes and takes the group
      } else {
        out.request(1);
      }
    }
  }

  /** Stores the pending group if the stream is not under load or the group is full. Holds intakeLock. */
  private boolean storeGroupIfDue() {
    if (group != null
        && storesInFlight < STORES_IN_FLIGHT
        && (outstanding.size() < COALESCE_ABOVE || group.isFull())) {
      storeGroup();
      return true;
    }
    return false;
  }

  private void storeLingering(PendingGroup lingering) {
    synchronized (intakeLock) {
      if (group == lingering && !ended) {
        if (storesInFlight < STORES_IN_FLIGHT) {
          storeGroup();
          resumeIfPaused();
        } else {
          timer.schedule(() -> storeLingering(lingering), LINGER_MICROS, TimeUnit.MICROSECONDS);
        }
      }
    }
  }

  private void resumeIfPaused() {
    if (paused && (group == null || !group.isFull())) {
      paused = false;
      out.request(1);
    }
  }

  /** Stores the pending group. Caller holds intakeLock. */
  private void storeGroup() {
    PendingGroup storing = group;
    group = null;
    String key = intake.newKey(sessionId);
    outstanding.add(key);
    storesInFlight++;
    intake.store(key, sessionId, storing).listen(stored -> onStored(key, stored));
  }

  private void onStored(String key, org.apache.ignite.lang.IgniteFuture<Void> stored) {
    try {
      stored.get();
    } catch (RuntimeException e) {
      outstanding.remove(key);
      fail(e);
      return;
    }
    synchronized (intakeLock) {
      storesInFlight--;
      if (ended) {
        return;
      }
      if (group != null && (outstanding.size() < COALESCE_ABOVE || group.isFull())) {
        storeGroup();
      }
      resumeIfPaused();
    }
    completeIfDrained();
  }

  @Override
  public void onError(Throwable t) {
    onClientGone();
  }

  /**
   * The client cancelled or its connection broke. Undelivered results stay in the grid for a
   * re-attach, unless the session asked to be cleaned up when its client exits.
   */
  private void onClientGone() {
    if (ended) {
      return;
    }
    ended = true;
    closeSubscription();
    String session = sessionId;
    if (session != null) {
      blockingCalls.execute(
          () -> {
            try {
              if (sessions.cleansUpOnClientExit(session)) {
                sessions.close(session);
                LOG.info("session {} removed: its client exited (cleanup_on_client_exit)", session);
              }
            } catch (RuntimeException e) {
              LOG.warn("cleanup of session {} after its client exited failed: {}", session, e.toString());
            }
          });
    }
  }

  @Override
  public void onCompleted() {
    halfClosed = true;
    completeIfDrained();
  }

  /**
   * Ties the stream to its session and subscribes to its results off the network thread. Results
   * completed before the subscription exists are not missed: it starts with a scan of them.
   */
  private void bind(String target) {
    sessionId = target;
    coalesce = !sessions.placesByResources(target);
    blockingCalls.execute(
        () -> {
          try {
            subscription =
                feed.attach(target, BatchState.DONE, this::deliver, key -> delivered.containsKey(key) || parked.holds(key));
          } catch (RuntimeException e) {
            fail(e);
            return;
          }
          if (ended) {
            closeSubscription(); // the client left while we subscribed
          }
        });
  }

  /** Re-reads the session's done batches (after a server node left); see ResultSubscription. */
  void rescanResults() {
    ResultFeed.Attachment s = subscription;
    if (s != null && !ended) {
      int found = s.rescan();
      if (found > 0) {
        LOG.info("stream of session {}: re-scan found {} done batches waiting", sessionId, found);
      }
    }
  }

  /** The session this stream serves; null until it is known. */
  String boundSessionId() {
    return sessionId;
  }

  boolean isEnded() {
    return ended;
  }

  /** Forgets deliveries sent longer than the ack timeout ago (they leave the grid). */
  void expireDeliveries() {
    if (!ended) {
      ledger.expire();
    }
  }

  private void deliver(String key, StoredBatch done) {
    if (ended || delivered.containsKey(key)) {
      return;
    }
    parked.deliver(key, done);
  }

  private void send(String key, StoredBatch done) {
    if (ended || delivered.putIfAbsent(key, System.nanoTime()) != null) {
      return;
    }
    if (deliveries.incrementAndGet() % 4096 == 0) {
      forgetOldDeliveries();
    }
    Batch results;
    try {
      results = Batch.parseFrom(done.payload());
    } catch (InvalidProtocolBufferException e) {
      LOG.error("stored results of batch {} are corrupt", key, e);
      return;
    }
    if (results.getMessagesCount() == 0) {
      ledger.discard(key); // every task went to the dead letters: nothing to send
    } else {
      ledger.sent(key);
      synchronized (outLock) {
        if (ended) {
          return; // stays unacknowledged in the grid for the next stream
        }
        sendPerClientBatch(results.toBuilder().setDeliveryId(key).build(), done.clientBatches());
      }
    }
    outstanding.remove(key);
    synchronized (intakeLock) {
      if (!ended) {
        storeGroupIfDue();
        resumeIfPaused();
      }
    }
    completeIfDrained();
  }

  /**
   * Sends results as the client batched its tasks; every part carries the same delivery id. When
   * some tasks went to the dead letters the runs no longer line up, and the results go as one
   * batch. Caller holds outLock.
   */
  private void sendPerClientBatch(Batch results, ClientBatches clientBatches) {
    if (clientBatches == null || results.getMessagesCount() != totalTasks(clientBatches)) {
      out.onNext(results);
      return;
    }
    List<dev.gridqueue.proto.v1.Message> messages = results.getMessagesList();
    int from = 0;
    for (int i = 0; i < clientBatches.count(); i++) {
      int to = Math.min(messages.size(), from + clientBatches.size(i));
      out.onNext(
          results.toBuilder()
              .setId(clientBatches.id(i))
              .clearMessages()
              .addAllMessages(messages.subList(from, to))
              .build());
      from = to;
    }
  }

  private static int totalTasks(ClientBatches clientBatches) {
    int total = 0;
    for (int i = 0; i < clientBatches.count(); i++) {
      total += clientBatches.size(i);
    }
    return total;
  }

  /**
   * A delivered batch leaves the grid at the latest the ack timeout after it was sent, so a
   * duplicate report of it can only arrive until shortly after (an event already in flight, a
   * re-scan racing the removal): remembering deliveries for a minute longer bounds the stream's
   * memory.
   */
  private void forgetOldDeliveries() {
    long cutoff = System.nanoTime() - rememberDeliveriesNanos;
    delivered.values().removeIf(at -> at < cutoff);
  }

  private void completeIfDrained() {
    if (!halfClosed || !outstanding.isEmpty()) {
      return;
    }
    synchronized (intakeLock) {
      if (group != null || storesInFlight > 0) {
        return; // the last store's completion checks again
      }
    }
    synchronized (outLock) {
      if (ended) {
        return;
      }
      ended = true;
      out.onCompleted();
    }
    ledger.releaseAll(); // completed normally: everything sent was delivered
    closeSubscription();
  }

  private void fail(Throwable error) {
    synchronized (outLock) {
      if (ended) {
        return;
      }
      ended = true;
      try {
        out.onError(GrpcErrorMapper.toStatus(error));
      } catch (IllegalStateException alreadyClosed) {
        LOG.debug("stream already closed", alreadyClosed);
      }
    }
    closeSubscription();
  }

  private void closeSubscription() {
    ResultFeed.Attachment s = subscription;
    if (s != null) {
      subscription = null;
      try {
        s.close();
      } catch (RuntimeException e) {
        LOG.debug("closing result subscription", e);
      }
    }
  }
}
