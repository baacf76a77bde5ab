package dev.gridqueue.server.internal.gateway;

import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;

/**
 * The server's side of one response stream: messages sent, then the stream completed or failed,
 * once, from whichever thread gets there first. After it ended (or the client left) nothing more is
 * written.
 */
final class OutboundStream<T> {
  private final ServerCallStreamObserver<T> call;
  private final Object lock = new Object();
  private volatile boolean ended;

  OutboundStream(ServerCallStreamObserver<T> call) {
    this.call = call;
  }

  /** The call, for flow control (requests, readiness, handlers). */
  ServerCallStreamObserver<T> call() {
    return call;
  }

  boolean isEnded() {
    return ended;
  }

  /** Whether the client can take another message now. */
  boolean isReady() {
    return !ended && call.isReady();
  }

  /**
   * Sends the messages one after another, none interleaved with another sender's; false if the
   * stream had ended.
   */
  boolean send(List<T> messages) {
    synchronized (lock) {
      if (ended) {
        return false;
      }
      messages.forEach(call::onNext);
      return true;
    }
  }

  /** Completes the stream; true if this call ended it. */
  boolean complete() {
    synchronized (lock) {
      if (ended) {
        return false;
      }
      ended = true;
      call.onCompleted();
      return true;
    }
  }

  /**
   * Ends the stream with {@code error}'s status (see {@link GrpcErrorMapper}); true if this call
   * ended it.
   */
  boolean fail(Throwable error) {
    synchronized (lock) {
      if (ended) {
        return false;
      }
      ended = true;
      try {
        call.onError(GrpcErrorMapper.toStatus(error));
      } catch (IllegalStateException alreadyClosed) {
        // the transport closed it first: nothing to tell
      }
      return true;
    }
  }

  /** The client cancelled or its connection broke: true if this call ended the stream. */
  boolean abandon() {
    synchronized (lock) {
      if (ended) {
        return false;
      }
      ended = true;
      return true;
    }
  }
}
