package dev.gridqueue.client.internal;

import dev.gridqueue.client.GridQueueException;
import io.grpc.Status;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the send side and the failover side of a session share, under one lock: the current {@link
 * Attachment}, the {@link Failover} state, whether the caller finished sending or closed the
 * session, and the condition a sender waits on until the stream takes a message. Every write to a
 * task stream happens under this lock, so batches never interleave. The lock is reentrant: with a
 * direct executor, gRPC may call back into the session from inside a write.
 */
public final class SessionState {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Failover failover;
  private final Inbox inbox;
  private Attachment attachment;
  private boolean halfClosed;
  private boolean closedByClient;

  public SessionState(Failover failover, Inbox inbox) {
    this.failover = failover;
    this.inbox = inbox;
  }

  public void lock() {
    lock.lock();
  }

  public void unlock() {
    lock.unlock();
  }

  /** Wakes senders waiting for the stream: it became ready, or the state changed. Lock held. */
  public void signalAll() {
    changed.signalAll();
  }

  /**
   * Waits until the task stream takes a message and returns its attachment. Lock held. Throws the
   * session's failure if it failed, and {@link IllegalStateException} once no more can be sent.
   */
  public Attachment awaitWritable() {
    while (true) {
      GridQueueException failure = inbox.failure();
      if (failure != null) {
        throw failure;
      }
      if (closedByClient || halfClosed || failover.isOver()) {
        throw new IllegalStateException("the task stream is closed");
      }
      if (failover.state() == Failover.State.ATTACHED && attachment.isReady()) {
        return attachment;
      }
      try {
        // No signal is missed: gRPC calls onReady when the stream turns ready, and its handler
        // takes this lock to signal, which it can only do once this thread waits.
        changed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GridQueueException(Status.CANCELLED.withDescription("interrupted while sending"));
      }
    }
  }

  public Failover failover() {
    return failover;
  }

  public Attachment attachment() {
    return attachment;
  }

  public void attach(Attachment next) {
    this.attachment = next;
  }

  public boolean halfClosed() {
    return halfClosed;
  }

  public void markHalfClosed() {
    halfClosed = true;
  }

  public boolean closedByClient() {
    return closedByClient;
  }

  public void markClosedByClient() {
    closedByClient = true;
  }

  /** Whether batches may still be written: attached, not finished sending, not ended. */
  public boolean canSend() {
    return failover.state() == Failover.State.ATTACHED && !halfClosed && !closedByClient;
  }
}
