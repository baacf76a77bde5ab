package dev.gridqueue.scheduler.frontend;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.gridqueue.grid.errors.InvalidRequestException;
import dev.gridqueue.grid.store.StoredBatch;
import dev.gridqueue.proto.v1.Batch;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.ignite.Ignite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's task stream: accepts task batches of one session into the grid and pushes the
 * session's results back, each batch once. Flow control: at most {@link #ACCEPT_WINDOW} batches
 * are being stored at a time; the next is requested only when one is accepted.
 */
final class ClientStreamHandler implements StreamObserver<Batch> {
  static final int ACCEPT_WINDOW = 32;
  private static final Logger LOG = LoggerFactory.getLogger(ClientStreamHandler.class);

  private final Ignite ignite;
  private final SessionStore sessions;
  private final BatchIntake intake;
  private final ServerCallStreamObserver<Batch> out;
  private final Object outLock = new Object();
  /** Keys accepted on this stream whose results are not yet delivered. */
  private final Set<String> outstanding = ConcurrentHashMap.newKeySet();
  /** Keys delivered on this stream: a result reported twice is sent once. */
  private final Set<String> delivered = ConcurrentHashMap.newKeySet();

  private volatile String sessionId;
  private volatile ResultSubscription subscription;
  private volatile boolean halfClosed;
  private volatile boolean ended;

  ClientStreamHandler(
      Ignite ignite, SessionStore sessions, BatchIntake intake, ServerCallStreamObserver<Batch> out) {
    this.ignite = ignite;
    this.sessions = sessions;
    this.intake = intake;
    this.out = out;
    out.disableAutoRequest();
    out.setOnCancelHandler(this::closeSubscription);
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
    out.request(ACCEPT_WINDOW);
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
      sessions.require(target);
      BatchIntake.validate(batch);
      if (sessionId == null) {
        bind(target);
      }
      String key = intake.newKey(target);
      outstanding.add(key);
      intake
          .store(key, target, batch)
          .listen(
              stored -> {
                try {
                  stored.get();
                  if (!ended) {
                    out.request(1);
                  }
                } catch (RuntimeException e) {
                  outstanding.remove(key);
                  fail(e);
                }
              });
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  @Override
  public void onError(Throwable t) {
    // The client went away. Its undelivered results stay in the grid for a re-attach.
    ended = true;
    closeSubscription();
  }

  @Override
  public void onCompleted() {
    halfClosed = true;
    completeIfDrained();
  }

  private void bind(String target) {
    sessionId = target;
    subscription = ResultSubscription.open(ignite, target, this::deliver);
    if (ended) {
      closeSubscription(); // the client left while we subscribed
    }
  }

  private void deliver(String key, StoredBatch done) {
    if (ended || !delivered.add(key)) {
      return;
    }
    Batch results;
    try {
      results = Batch.parseFrom(done.payload());
    } catch (InvalidProtocolBufferException e) {
      LOG.error("stored results of batch {} are corrupt", key, e);
      return;
    }
    synchronized (outLock) {
      if (ended) {
        return;
      }
      out.onNext(results);
    }
    intake.remove(key);
    outstanding.remove(key);
    completeIfDrained();
  }

  private void completeIfDrained() {
    if (halfClosed && outstanding.isEmpty()) {
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
    ResultSubscription s = subscription;
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
