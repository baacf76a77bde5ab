package dev.gridqueue.client.internal;

import dev.gridqueue.client.GridQueueException;
import dev.gridqueue.proto.v1.Batch;
import io.grpc.Status;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a session attached and decides when it ends. It listens to the current {@link Attachment}:
 * hands results and dead letters to the receiver and their delivery ids to the sender to
 * acknowledge; when the streams break with a transport failure it drives the {@link Failover} state
 * machine, attaching to the next node after the back-off and sending every unfinished task again as
 * fast as the new stream takes them (no thread waits for it); any other failure ends the session
 * with its status. It ends the session normally once the server completed the task stream and every
 * task ended, and with {@code DATA_LOSS} if some never end within the give-up time after that.
 */
public final class StreamSupervisor implements Attachment.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(StreamSupervisor.class);

  private final SessionState state;
  private final TaskSender sender;
  private final ResultReceiver receiver;
  private final UnfinishedTasks unfinished;
  private final Inbox inbox;
  private final Endpoints endpoints;
  private final ScheduledExecutorService timer;
  private final String sessionId;
  private final AtomicLong failovers = new AtomicLong();

  /**
   * The unfinished tasks still to send again; set while re-attaching on an open attachment. Lock
   * held.
   */
  private TaskSender.Resend resending;

  public StreamSupervisor(
      SessionState state,
      TaskSender sender,
      ResultReceiver receiver,
      UnfinishedTasks unfinished,
      Inbox inbox,
      Endpoints endpoints,
      ScheduledExecutorService timer,
      String sessionId) {
    this.state = state;
    this.sender = sender;
    this.receiver = receiver;
    this.unfinished = unfinished;
    this.inbox = inbox;
    this.endpoints = endpoints;
    this.timer = timer;
    this.sessionId = sessionId;
  }

  /** Opens the session's first attachment, on the node the client talks to now. */
  public void attach() {
    state.lock();
    try {
      Attachment first = new Attachment(endpoints.current(), sessionId, this);
      state.attach(first);
      first.open();
    } finally {
      state.unlock();
    }
  }

  /** How many times the session re-attached after its streams broke. */
  public long failovers() {
    return failovers.get();
  }

  /** The caller closes the session: the streams are cancelled and the caller's inbox ends. */
  public void close() {
    state.lock();
    try {
      if (state.closedByClient()) {
        return;
      }
      // Ended before cancelling: the cancel reports CANCELLED back at once with a direct executor.
      state.markClosedByClient();
      if (!state.failover().isOver()) {
        state.failover().finished();
        resending = null;
        inbox.end(null);
      }
      state.attachment().cancel("session closed by the client");
      state.signalAll();
    } finally {
      state.unlock();
    }
  }

  @Override
  public void onReady(Attachment attachment) {
    state.lock();
    try {
      if (attachment != state.attachment()) {
        return;
      }
      if (resending != null) {
        continueResend(attachment);
      }
      state.signalAll();
    } finally {
      state.unlock();
    }
  }

  // Deliveries are queued for acknowledgement before their tasks reach the caller, so a caller
  // that took the last result and finishes sending at once still acknowledges it.
  @Override
  public void onResults(Attachment attachment, Batch results) {
    sender.acknowledge(results.getDeliveryId());
    receiver.results(results);
    if (attachment.completed()) {
      finishIfAllEnded();
    }
  }

  @Override
  public void onDeadLetters(Attachment attachment, Batch letters) {
    sender.acknowledge(letters.getDeliveryId());
    receiver.deadLetters(letters);
    // A task answered only by a dead letter may end after the result stream completed.
    finishIfAllEnded();
  }

  @Override
  public void onCompleted(Attachment attachment) {
    finishIfAllEnded();
  }

  @Override
  public void onTaskStreamError(Attachment attachment, Status status) {
    broke(attachment, status);
  }

  @Override
  public void onDeadLetterStreamError(Attachment attachment, Status status) {
    if (Failover.isTransportFailure(status, attachment.cancelledByClient())) {
      broke(attachment, status); // the node is gone: the task stream goes with it
    } else if (status.getCode() != Status.Code.CANCELLED) {
      LOG.debug("dead-letter stream of session {} ended: {}", sessionId, status);
    }
  }

  /**
   * A stream of {@code attachment} failed: re-attach if the transport failed, else end the session.
   */
  private void broke(Attachment attachment, Status status) {
    state.lock();
    try {
      Failover failover = state.failover();
      if (attachment != state.attachment()
          || attachment.broken()
          || failover.isOver()
          || state.closedByClient()) {
        return;
      }
      attachment.markBroken();
      if (!Failover.isTransportFailure(status, attachment.cancelledByClient())) {
        finish(new GridQueueException(status));
        return;
      }
      long delay = failover.broke(status, attachment.answered());
      resending = null;
      attachment.cancel("re-attaching elsewhere");
      LOG.info(
          "stream of session {} to {} broke ({}); re-attaching in {} ms",
          sessionId,
          attachment.endpoint().name(),
          status.getCode(),
          delay);
      schedule(this::reattach, delay);
      state.signalAll();
    } finally {
      state.unlock();
    }
  }

  /** Attaches to the next node and starts sending every unfinished task again. Timer thread. */
  private void reattach() {
    state.lock();
    try {
      Failover failover = state.failover();
      if (failover.isOver()) {
        return;
      }
      if (failover.shouldGiveUp()) {
        finish(
            new GridQueueException(
                Status.UNAVAILABLE.withDescription(
                    "gave up re-attaching session "
                        + sessionId
                        + ": none of the "
                        + endpoints.count()
                        + " grid node addresses answered for "
                        + failover.giveUpAfter().toSeconds()
                        + " s; last error: "
                        + failover.lastError())));
        return;
      }
      Attachment next =
          new Attachment(endpoints.next(state.attachment().endpoint()), sessionId, this);
      state.attach(next);
      failovers.incrementAndGet();
      resending = sender.resend();
      next.open();
      if (resending != null) { // null if the new streams already broke while opening
        continueResend(next);
      }
    } finally {
      state.unlock();
    }
  }

  /**
   * Sends again as much as {@code attachment} takes now; its next onReady continues. Once all is
   * sent and the stream is ready, the session is attached again (and half-closed again if the
   * caller had finished sending). Lock held.
   */
  private void continueResend(Attachment attachment) {
    TaskSender.Resend resend = resending;
    while (resending == resend && resend.hasNext() && attachment.isReady()) {
      attachment.send(resend.next());
    }
    if (resending != resend || resend.hasNext() || !attachment.isReady()) {
      return;
    }
    resending = null;
    if (state.halfClosed()) {
      sender.halfClose(attachment);
    }
    state.failover().reattached();
    LOG.info(
        "session {} re-attached to {}; sent {} tasks again",
        sessionId,
        attachment.endpoint().name(),
        resend.tasksSent());
    state.signalAll();
  }

  /**
   * Ends the session once the server completed the task stream and every task ended. A task whose
   * batch was answered only by a dead letter may still be on the dead-letter stream when the result
   * stream completes: wait for it, up to the give-up time.
   */
  private void finishIfAllEnded() {
    state.lock();
    try {
      Attachment current = state.attachment();
      if (state.failover().isOver() || !current.completed()) {
        return;
      }
      if (unfinished.isEmpty()) {
        finish(null);
      } else if (current.watchOnce()) {
        schedule(() -> giveUpWaitingFor(current), state.failover().giveUpAfter().toMillis());
      }
    } finally {
      state.unlock();
    }
  }

  private void giveUpWaitingFor(Attachment watched) {
    state.lock();
    try {
      if (!state.failover().isOver() && state.attachment() == watched && !unfinished.isEmpty()) {
        finish(
            new GridQueueException(
                Status.DATA_LOSS.withDescription(
                    unfinished.size()
                        + " tasks ended neither with a result nor a dead letter within "
                        + state.failover().giveUpAfter().toSeconds()
                        + " s of the stream's end")));
      }
    } finally {
      state.unlock();
    }
  }

  /** Ends the session for the caller: with {@code error}, or normally if null. Lock held. */
  private void finish(GridQueueException error) {
    Failover failover = state.failover();
    if (failover.isOver()) {
      return;
    }
    if (error == null) {
      failover.finished();
    } else {
      failover.failed();
    }
    resending = null;
    state.attachment().cancel(error == null ? "every task ended" : "session failed");
    inbox.end(error);
    state.signalAll();
  }

  private void schedule(Runnable task, long delayMillis) {
    try {
      timer.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException clientClosed) {
      state.lock();
      try {
        finish(new GridQueueException(Status.CANCELLED.withDescription("the client was closed")));
      } finally {
        state.unlock();
      }
    }
  }
}
