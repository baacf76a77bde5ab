package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.grid.errors.InvalidRequestException;
import dev.gridqueue.grid.store.BatchKeys;
import dev.gridqueue.grid.store.BatchState;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.proto.v1.Batch;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ClientStreamDeadLetters call: sends every dead-letter entry of the session (those waiting and
 * those arriving) through {@link Deliveries}, each with its stored key as {@code delivery_id}. A
 * dead-letter entry is stored under {@code <batch key>#dead} as a {@link BatchState#DEAD} batch; it
 * leaves the grid when the client acknowledges it on the session's ClientStream, or the ack timeout
 * after it was sent. A stream that breaks leaves the unacknowledged ones for the next dead-letter
 * stream. The stream completes when the session closes.
 */
final class DeadLetterStream {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterStream.class);

  private final ResultFeed feed;
  private final SessionStore sessions;
  private final Executor attachCalls;
  private final SessionStreams streamSlots;
  private volatile SessionStreams.Slot slot;
  private final OutboundStream<Batch> out;
  private final Deliveries letters;
  private volatile String sessionId;

  /** Refuses a session the caller may not use (another key's). */
  private final java.util.function.Consumer<String> authorize;

  private volatile ResultFeed.Attachment attachment;

  DeadLetterStream(
      ResultFeed feed,
      Function<Collection<String>, Map<String, StoredBatch>> load,
      SessionStore sessions,
      Executor blockingCalls,
      Executor attachCalls,
      SessionStreams streamSlots,
      ServerCallStreamObserver<Batch> call,
      DeliveryLedger ledger,
      Duration ackTimeout,
      java.util.function.Consumer<String> authorize) {
    this.authorize = authorize;
    this.feed = feed;
    this.sessions = sessions;
    this.attachCalls = attachCalls;
    this.streamSlots = streamSlots;
    this.out = new OutboundStream<>(call);
    this.letters =
        new Deliveries(
            out,
            blockingCalls,
            BatchState.DEAD,
            load,
            ledger,
            ackTimeout,
            DeadLetterStream::messages,
            key -> {},
            () -> "the dead-letter stream of session " + sessionId);
    call.setOnCancelHandler(this::onClientGone);
  }

  private static List<Batch> messages(String key, StoredBatch dead)
      throws com.google.protobuf.InvalidProtocolBufferException {
    Batch letters = Batch.parseFrom(dead.payload());
    return letters.getMessagesCount() == 0
        ? List.of()
        : List.of(letters.toBuilder().setDead(true).setDeliveryId(key).build());
  }

  /** Checks the session and attaches to its dead letters, off the network thread. */
  void start(String requestedSession) {
    try {
      attachCalls.execute(() -> attach(requestedSession));
    } catch (RuntimeException e) { // the pool is full
      if (out.fail(e)) {
        detach();
      }
    }
  }

  private void attach(String requestedSession) {
    try {
      if (requestedSession.isEmpty()) {
        throw new InvalidRequestException("id must not be empty");
      }
      sessions.require(requestedSession);
      authorize.accept(requestedSession);
      slot = streamSlots.open(requestedSession);
      sessionId = requestedSession;
      attachment = feed.attach(requestedSession, BatchState.DEAD, letters::deliver, letters::knows);
    } catch (RuntimeException e) {
      if (out.fail(e)) {
        detach();
      }
      return;
    }
    if (out.isEnded()) {
      detach(); // the client left while we attached
    }
  }

  boolean isEnded() {
    return out.isEnded();
  }

  /**
   * Periodic upkeep: lets deliveries past the ack timeout leave the grid and completes the stream
   * once its session is closed. Blocking (reads the sessions cache).
   */
  void sweep() {
    String session = sessionId;
    if (out.isEnded() || session == null) {
      return;
    }
    letters.expire();
    if (!sessions.exists(session) && out.complete()) {
      detach();
    }
  }

  /** Dead letters acknowledged on the session's ClientStream (which removes them). */
  void acknowledgedElsewhere(Collection<String> keys) {
    String session = sessionId;
    if (session != null
        && !keys.isEmpty()
        && BatchKeys.belongsTo(keys.iterator().next(), session)) {
      letters.acknowledgedElsewhere(keys);
    }
  }

  /** Looks for the session's dead letters again (after a server node left). */
  void rescan() {
    ResultFeed.Attachment a = attachment;
    if (a != null && !out.isEnded()) {
      a.rescan();
    }
  }

  private void onClientGone() {
    if (out.abandon()) {
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
        LOG.debug("detaching the dead-letter stream of session {}", sessionId, e);
      }
    }
  }
}
