package dev.gridqueue.client.internal;

import io.grpc.Status;
import java.time.Duration;

/**
 * The failover state machine of one session. The session starts {@link State#ATTACHED}; a stream
 * broken by the transport moves it to {@link State#REATTACHING}, where attempts to attach to the
 * next node back off from 0 to 2 s, until one attaches (back to {@code ATTACHED}) or no node has
 * answered for the give-up time ({@link State#FAILED}). A failure that is not the transport's also
 * ends it {@code FAILED}; every task ended, or the caller closing the session, ends it {@link
 * State#FINISHED}. {@code FAILED} and {@code FINISHED} are final.
 *
 * <p>Not thread-safe: the session changes it under its lock ({@link SessionState}).
 */
public final class Failover {
  /** Where a session stands with the grid. */
  public enum State {
    /** Streams open on a node; tasks are sent. */
    ATTACHED,
    /** The streams broke; attaching to the next node and sending again what had not ended. */
    REATTACHING,
    /** Ended with an error the caller sees. */
    FAILED,
    /** Ended normally: every task ended, or the caller closed the session. */
    FINISHED
  }

  static final long FIRST_BACKOFF_MILLIS = 100;
  static final long MAX_BACKOFF_MILLIS = 2_000;

  private final Ticker ticker;
  private final Duration giveUpAfter;
  private State state = State.ATTACHED;

  /**
   * Set while no node has answered since the streams broke; kept across attempts that fail
   * unanswered.
   */
  private boolean inOutage;

  private long outageStartedNanos;
  private int attempts;
  private Status lastError;

  public Failover(Ticker ticker, Duration giveUpAfter) {
    if (giveUpAfter.isNegative()) {
      throw new IllegalArgumentException("giveUpAfter must not be negative, got " + giveUpAfter);
    }
    this.ticker = ticker;
    this.giveUpAfter = giveUpAfter;
  }

  /**
   * Whether a stream that ended with {@code status} calls for re-attaching elsewhere: only when the
   * node is unreachable ({@code UNAVAILABLE}) or the call was cancelled by something other than
   * this client (the node going away). Any other status is the server's answer, and re-sending
   * every task to another node would only repeat it: {@code INTERNAL}, {@code UNKNOWN} and the rest
   * end the session with that status.
   */
  public static boolean isTransportFailure(Status status, boolean cancelledByClient) {
    return switch (status.getCode()) {
      case UNAVAILABLE -> true;
      case CANCELLED -> !cancelledByClient;
      default -> false;
    };
  }

  public State state() {
    return state;
  }

  public boolean isOver() {
    return state == State.FAILED || state == State.FINISHED;
  }

  /**
   * The streams broke with a transport failure: move to {@code REATTACHING} and return how many
   * milliseconds to wait before the next attempt. {@code nodeAnswered}: the broken streams' node
   * had answered, so a new outage starts (the give-up time counts from now and back-off restarts at
   * 0); otherwise the outage that began earlier goes on.
   */
  public long broke(Status status, boolean nodeAnswered) {
    requireNotOver();
    if (nodeAnswered || !inOutage) {
      inOutage = true;
      outageStartedNanos = ticker.nanoTime();
      attempts = 0;
    }
    lastError = status;
    state = State.REATTACHING;
    long delay =
        attempts == 0
            ? 0
            : Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(attempts - 1, 5));
    attempts++;
    return delay;
  }

  /** Whether no node has answered for longer than the give-up time. */
  public boolean shouldGiveUp() {
    return state == State.REATTACHING
        && ticker.nanoTime() - outageStartedNanos > giveUpAfter.toNanos();
  }

  /** The new streams are open and every unfinished task was sent again. */
  public void reattached() {
    if (state != State.REATTACHING) {
      throw new IllegalStateException("not re-attaching: " + state);
    }
    state = State.ATTACHED;
  }

  public void failed() {
    requireNotOver();
    state = State.FAILED;
  }

  public void finished() {
    requireNotOver();
    state = State.FINISHED;
  }

  /** The status the streams last broke with, for the give-up message. */
  public Status lastError() {
    return lastError;
  }

  public Duration giveUpAfter() {
    return giveUpAfter;
  }

  private void requireNotOver() {
    if (isOver()) {
      throw new IllegalStateException("the session already ended: " + state);
    }
  }
}
