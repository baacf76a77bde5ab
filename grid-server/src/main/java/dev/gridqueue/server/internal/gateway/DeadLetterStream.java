package dev.gridqueue.server.internal.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gridqueue.grid.errors.InvalidRequestException;
import dev.gridqueue.grid.store.BatchState;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.proto.v1.Batch;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ClientStreamDeadLetters call: sends every dead-letter entry of the session (those waiting
 * and those arriving), each with its stored key as {@code delivery_id}. A dead-letter entry is
 * stored under {@code <batch key>#dead} as a {@link BatchState#DEAD} batch. It leaves the grid
 * when the client acknowledges it on the session's ClientStream, or the ack timeout after it was
 * sent (see {@link DeliveryLedger}); a stream that breaks leaves the unacknowledged ones for the
 * next dead-letter stream. The stream completes when the session closes.
 */
final class DeadLetterStream {
  /** Suffix of a dead-letter entry's key after the key of the batch its tasks came from. */
  static final String KEY_SUFFIX = "#dead";

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterStream.class);

  private final ResultFeed feed;
  private final SessionStore sessions;
  private final Executor blockingCalls;
  private final ServerCallStreamObserver<Batch> out;
  private final DeliveryLedger ledger;
  private final Object outLock = new Object();
  private final Set<String> delivered = ConcurrentHashMap.newKeySet();
  private final ParkedDeliveries parked;
  private volatile String sessionId;
  private volatile ResultFeed.Attachment subscription;
  private volatile boolean ended;

  DeadLetterStream(
      ResultFeed feed,
      java.util.function.Function<java.util.Collection<String>, java.util.Map<String, StoredBatch>> load,
      SessionStore sessions,
      Executor blockingCalls,
      ServerCallStreamObserver<Batch> out,
      DeliveryLedger ledger) {
    this.feed = feed;
    this.sessions = sessions;
    this.blockingCalls = blockingCalls;
    this.out = out;
    this.ledger = ledger;
    out.setOnCancelHandler(this::onClientGone);
    this.parked =
        new ParkedDeliveries(
            out,
            blockingCalls,
            () -> ended,
            load,
            BatchState.DEAD,
            this::send,
            () -> "the dead-letter stream of session " + sessionId);
  }

  /** Checks the session and subscribes to its dead letters, off the network thread. */
  void start(String requestedSession) {
    blockingCalls.execute(
        () -> {
          try {
            if (requestedSession.isEmpty()) {
              throw new InvalidRequestException("id must not be empty");
            }
            sessions.require(requestedSession);
            sessionId = requestedSession;
            subscription =
                feed.attach(requestedSession, BatchState.DEAD, this::deliver, key -> delivered.contains(key) || parked.holds(key));
          } catch (RuntimeException e) {
            fail(e);
            return;
          }
          if (ended) {
            closeSubscription(); // the client left while we subscribed
          }
        });
  }

  boolean isEnded() {
    return ended;
  }

  /**
   * Periodic upkeep: forgets deliveries past the ack timeout and completes the stream once its
   * session is closed. Blocking (reads the sessions cache).
   */
  void sweep() {
    String session = sessionId;
    if (ended || session == null) {
      return;
    }
    ledger.expire();
    if (!sessions.exists(session)) {
      synchronized (outLock) {
        if (ended) {
          return;
        }
        ended = true;
        out.onCompleted();
      }
      closeSubscription();
    }
  }

  /** Dead letters acknowledged on the session's ClientStream (which removes them). */
  void acknowledgedElsewhere(Collection<String> keys) {
    String session = sessionId;
    if (session != null && !keys.isEmpty()
        && dev.gridqueue.grid.store.BatchKeys.belongsTo(keys.iterator().next(), session)) {
      ledger.forget(keys);
    }
  }

  /** Re-reads the session's dead letters (after a server node left). */
  void rescan() {
    ResultFeed.Attachment s = subscription;
    if (s != null && !ended) {
      s.rescan();
    }
  }

  private void deliver(String key, StoredBatch dead) {
    if (ended || delivered.contains(key)) {
      return;
    }
    parked.deliver(key, dead);
  }

  private void send(String key, StoredBatch dead) {
    if (ended || !delivered.add(key)) {
      return;
    }
    Batch letters;
    try {
      letters = Batch.parseFrom(dead.payload());
    } catch (InvalidProtocolBufferException e) {
      LOG.error("stored dead letters {} are corrupt", key, e);
      return;
    }
    if (letters.getMessagesCount() == 0) {
      ledger.discard(key);
      return;
    }
    ledger.sent(key);
    synchronized (outLock) {
      if (ended) {
        return;
      }
      out.onNext(letters.toBuilder().setDead(true).setDeliveryId(key).build());
    }
  }

  private void onClientGone() {
    ended = true;
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
        LOG.debug("closing dead-letter subscription", e);
      }
    }
  }
}
