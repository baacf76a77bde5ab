package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.grid.errors.InvalidRequestException;
import dev.gridqueue.grid.store.BatchKeys;
import dev.gridqueue.grid.store.BatchState;
import dev.gridqueue.proto.v1.Batch;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's task stream (ClientStream): binds it to its session, takes task batches into the
 * grid through a {@link GroupCommit}, sends the session's results back through {@link Deliveries},
 * passes acknowledgements on, and ends the stream: completed once the client half-closed and
 * everything it sent was delivered, failed on a bad request or once its session is closed
 * elsewhere, abandoned when the client leaves (undelivered results then stay in the grid for the
 * next stream of the session).
 */
final class ClientStreamHandler implements StreamObserver<Batch>, GroupCommit.Stream {
  /** Messages requested from the client ahead (manual flow control). */
  static final int REQUEST_WINDOW = 32;

  private static final Logger LOG = LoggerFactory.getLogger(ClientStreamHandler.class);

  private final ResultFeed feed;
  private final SessionStore sessions;
  private final Executor blockingCalls;
  private final Executor attachCalls;
  private final SessionStreams streamSlots;
  private final QueuedBytes queuedBytes;
  private volatile SessionStreams.Slot slot;
  private final OutboundStream<Batch> out;
  private final GroupCommit intake;
  private final Deliveries results;

  /** Told about acknowledged dead letters, so the dead-letter streams stop tracking them. */
  private final Consumer<List<String>> deadLettersAcknowledged;

  private volatile String sessionId;

  /** Refuses a session the caller may not use (another key's): checked before binding to it. */
  private final Consumer<String> authorize;

  /** Whether small batches may be merged under load: not for sessions that declare resources. */
  private volatile boolean coalesce = true;

  private volatile ResultFeed.Attachment attachment;
  private volatile boolean halfClosed;

  ClientStreamHandler(
      ResultFeed feed,
      SessionStore sessions,
      BatchIntake batchIntake,
      ScheduledExecutorService timer,
      Executor blockingCalls,
      Executor attachCalls,
      SessionStreams streamSlots,
      QueuedBytes queuedBytes,
      ServerCallStreamObserver<Batch> call,
      DeliveryLedger ledger,
      Duration ackTimeout,
      Consumer<List<String>> deadLettersAcknowledged,
      Consumer<String> authorize) {
    this.authorize = authorize;
    this.feed = feed;
    this.sessions = sessions;
    this.blockingCalls = blockingCalls;
    this.attachCalls = attachCalls;
    this.streamSlots = streamSlots;
    this.queuedBytes = queuedBytes;
    this.deadLettersAcknowledged = deadLettersAcknowledged;
    this.out = new OutboundStream<>(call);
    this.intake = new GroupCommit(batchIntake, timer, this);
    this.results =
        new Deliveries(
            out,
            blockingCalls,
            BatchState.DONE,
            batchIntake::getAll,
            ledger,
            ackTimeout,
            ResultMessages::of,
            this::delivered,
            () -> "the result stream of session " + sessionId);
    call.disableAutoRequest();
    call.setOnCancelHandler(this::onClientGone);
  }

  /** Starts the stream; {@code sessionFromMetadata} (may be empty) binds it before any batch. */
  void start(String sessionFromMetadata) {
    if (!sessionFromMetadata.isEmpty()) {
      try {
        sessions.require(sessionFromMetadata);
        authorize.accept(sessionFromMetadata);
        bind(sessionFromMetadata);
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
    }
    out.call().request(REQUEST_WINDOW);
  }

  @Override
  public void onNext(Batch batch) {
    if (out.isEnded()) {
      return;
    }
    try {
      String target =
          batch.getSessionId().isEmpty() && sessionId != null ? sessionId : batch.getSessionId();
      if (target.isEmpty()) {
        throw new InvalidRequestException("batch.session_id must not be empty");
      }
      if (sessionId != null && !sessionId.equals(target)) {
        throw new InvalidRequestException(
            "batch.session_id: this stream serves session " + sessionId + ", got " + target);
      }
      boolean acksOnly = batch.getMessagesCount() == 0 && batch.getAckDeliveryIdsCount() > 0;
      BatchIntake.validateAcks(batch);
      if (sessionId == null) {
        authorize.accept(target); // before anything about the session is said
      }
      if (!acksOnly) {
        BatchIntake.validate(batch, sessions.require(target).appId());
      } else if (sessionId == null) {
        sessions.require(target);
      }
      if (sessionId == null) {
        bind(target);
      }
      if (batch.getAckDeliveryIdsCount() > 0) {
        acknowledge(batch.getAckDeliveryIdsList());
        if (acksOnly) {
          out.call().request(1);
          return;
        }
        batch = batch.toBuilder().clearAckDeliveryIds().build(); // not stored with the tasks
      }
      queuedBytes.reserve(sessionId, batch.getSerializedSize()); // before it is held any longer
      intake.accept(sessionId, batch, !coalesce);
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  /** Deliveries of this session the client processed: they leave the grid (coalesced). */
  private void acknowledge(List<String> deliveryIds) {
    List<String> keys = new ArrayList<>(deliveryIds.size());
    List<String> deadLetters = new ArrayList<>();
    for (String id : deliveryIds) {
      if (BatchKeys.belongsTo(id, sessionId)) {
        keys.add(id);
        if (BatchKeys.isDeadLetters(id)) {
          deadLetters.add(id);
        }
      }
    }
    results.acknowledged(keys);
    if (!deadLetters.isEmpty()) {
      deadLettersAcknowledged.accept(deadLetters);
    }
  }

  /**
   * Ties the stream to its session and attaches it to this node's result feed off the network
   * thread. Results completed before the attachment are not missed: it starts with a scan.
   */
  private void bind(String target) {
    slot = streamSlots.open(target);
    sessionId = target;
    coalesce = !sessions.placesByResources(target);
    // Its own bounded pool: a slow attach never queues behind, or ahead of, unary calls.
    attachCalls.execute(
        () -> {
          try {
            attachment = feed.attach(target, BatchState.DONE, results::deliver, results::knows);
          } catch (RuntimeException e) {
            fail(e);
            return;
          }
          if (out.isEnded()) {
            detach(); // the client left while we attached
          }
        });
  }

  /** A done batch of this stream was sent (or had nothing to send). */
  private void delivered(String key) {
    intake.delivered(key);
    completeIfDrained();
  }

  @Override
  public void requestOne() {
    out.call().request(1);
  }

  @Override
  public void storeFailed(Throwable error) {
    fail(error);
  }

  @Override
  public void stored() {
    completeIfDrained();
  }

  @Override
  public boolean isEnded() {
    return out.isEnded();
  }

  @Override
  public void onCompleted() {
    halfClosed = true;
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
    if (!out.abandon()) {
      return;
    }
    detach();
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
              LOG.warn(
                  "cleanup of session {} after its client exited failed: {}",
                  session,
                  e.toString());
            }
          });
    }
  }

  private void completeIfDrained() {
    if (halfClosed && intake.drained() && out.complete()) {
      results.releaseAll(); // completed normally: everything sent was delivered
      detach();
    }
  }

  private void fail(Throwable error) {
    if (out.fail(error)) {
      detach();
    }
  }

  private void detach() {
    SessionStreams.Slot s = slot;
    if (s != null) {
      s.close();
    }
    ResultFeed.Attachment a = attachment;
    if (a != null) {
      attachment = null;
      try {
        a.close();
      } catch (RuntimeException e) {
        LOG.debug("detaching the result stream of session {}", sessionId, e);
      }
    }
  }

  /** Looks for done batches of the session again (after a server node left); see ResultFeed. */
  void rescanResults() {
    ResultFeed.Attachment a = attachment;
    if (a != null && !out.isEnded()) {
      int found = a.rescan();
      if (found > 0) {
        LOG.info("stream of session {}: re-scan found {} done batches waiting", sessionId, found);
      }
    }
  }

  /** The session this stream serves; null until it is known. */
  String boundSessionId() {
    return sessionId;
  }

  /** Lets deliveries sent longer than the ack timeout ago leave the grid. */
  void expireDeliveries() {
    if (!out.isEnded()) {
      results.expire();
    }
  }

  /**
   * Ends the stream NOT_FOUND when its session was closed meanwhile (CloseSession on any node, the
   * idle-session janitor): its results will never come, and the client would wait for them.
   */
  void endIfSessionClosed() {
    String session = sessionId;
    if (out.isEnded() || session == null || sessions.exists(session)) {
      return;
    }
    LOG.info("session {} was closed: ending its client stream", session);
    fail(new dev.gridqueue.grid.errors.SessionNotFoundException(session));
  }
}
