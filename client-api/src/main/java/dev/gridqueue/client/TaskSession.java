package dev.gridqueue.client;

import com.google.protobuf.ByteString;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.Session;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An open session: submit tasks, take results. Tasks are sent in batches of the session's batch
 * size; {@link #flush()} sends a partial batch. {@link #submit} blocks while the server is not
 * ready for more (gRPC flow control), so a fast producer cannot exhaust memory on either side.
 * Results arrive in completion order. Submitting is thread-safe; so is taking results.
 */
public final class TaskSession implements AutoCloseable {
  private static final Object END = new Object();
  /** Result batches requested ahead: gRPC's one-at-a-time default caps small-batch throughput. */
  private static final int RESPONSE_WINDOW = 64;

  private final GridQueueClient client;
  private final Session session;
  private final int batchSize;
  private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
  private final Object sendLock = new Object();
  private final List<Message> pending = new ArrayList<>();
  private ClientCallStreamObserver<Batch> requests;
  private volatile Throwable failure;
  private boolean ended;
  private boolean halfClosed;
  private int batchCounter;
  private Integer sharedDataLevel; // guarded by sendLock; null: batches use no shared data

  private TaskSession(GridQueueClient client, Session session, int batchSize) {
    this.client = client;
    this.session = session;
    this.batchSize = batchSize;
  }

  static TaskSession open(GridQueueClient client, QueueGrpc.QueueStub stub, Session session, int batchSize) {
    TaskSession s = new TaskSession(client, session, batchSize);
    stub.clientStream(s.new Responses());
    return s;
  }

  /** The session as the server created it: id and attributes with defaults filled in. */
  public Session session() {
    return session;
  }

  public String id() {
    return session.getId();
  }

  /** The session's shared data (upload a level before sending the tasks that read it). */
  public SharedDataClient sharedData() {
    return client.sharedData(session.getId());
  }

  /**
   * Tasks submitted from now on read shared-data level {@code level}: the pending batch is sent
   * first, so no batch mixes levels. Tasks of earlier levels still run on their own level.
   */
  public void useSharedData(int level) {
    if (level < 1) {
      throw new IllegalArgumentException("level must be at least 1, got " + level);
    }
    synchronized (sendLock) {
      flush();
      sharedDataLevel = level;
    }
  }

  /** Tasks submitted from now on read no shared data. */
  public void useNoSharedData() {
    synchronized (sendLock) {
      flush();
      sharedDataLevel = null;
    }
  }

  /** Queues one task; sends a batch when the batch is full. */
  public void submit(String taskId, byte[] payload) {
    if (taskId == null || taskId.isEmpty()) {
      throw new IllegalArgumentException("taskId must not be empty");
    }
    synchronized (sendLock) {
      pending.add(Message.newBuilder().setId(taskId).setPayload(ByteString.copyFrom(payload)).build());
      if (pending.size() >= batchSize) {
        sendPending();
      }
    }
  }

  /** Sends the tasks submitted since the last full batch. */
  public void flush() {
    synchronized (sendLock) {
      if (!pending.isEmpty()) {
        sendPending();
      }
    }
  }

  private void sendPending() {
    awaitReady();
    Batch.Builder batch =
        Batch.newBuilder()
            .setId(Integer.toString(++batchCounter))
            .setSessionId(session.getId())
            .addAllMessages(pending);
    if (sharedDataLevel != null) {
      batch.setUseSharedData(true).setRequiredSharedDataUpdateLevel(sharedDataLevel);
    }
    pending.clear();
    requests.onNext(batch.build());
  }

  // Called with sendLock held; onReady notifies it.
  private void awaitReady() {
    while (!requests.isReady()) {
      throwIfFailed();
      if (ended || halfClosed) {
        throw new IllegalStateException("the task stream is closed");
      }
      try {
        sendLock.wait(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GridQueueException(Status.CANCELLED.withDescription("interrupted while sending"));
      }
    }
    throwIfFailed();
  }

  /** The next result, waiting as long as needed; null once the stream has ended. */
  public TaskResult take() throws InterruptedException {
    return unwrap(inbox.take());
  }

  /** The next result, or null if none arrives within {@code timeout} or the stream has ended. */
  public TaskResult poll(Duration timeout) throws InterruptedException {
    Object next = inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    return next == null ? null : unwrap(next);
  }

  /** Waits for {@code count} results. */
  public List<TaskResult> awaitResults(int count, Duration timeout) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<TaskResult> results = new ArrayList<>(count);
    while (results.size() < count) {
      long left = deadline - System.nanoTime();
      Object next = left > 0 ? inbox.poll(left, TimeUnit.NANOSECONDS) : null;
      if (next == null) {
        throw new TimeoutException("got " + results.size() + " of " + count + " results in " + timeout);
      }
      TaskResult r = unwrap(next);
      if (r == null) {
        throw new IllegalStateException("stream ended after " + results.size() + " of " + count + " results");
      }
      results.add(r);
    }
    return results;
  }

  private TaskResult unwrap(Object next) {
    if (next == END) {
      inbox.add(END); // keep the end visible to every later caller
      throwIfFailed();
      return null;
    }
    return (TaskResult) next;
  }

  private void throwIfFailed() {
    Throwable f = failure;
    if (f != null) {
      throw GridQueueException.from(f);
    }
  }

  /**
   * Sends what is pending and tells the server no more tasks follow. The server then completes
   * the result stream once every task sent on it has its result; {@link #take()} returns null
   * after the last one.
   */
  public void finishSending() {
    synchronized (sendLock) {
      if (halfClosed || ended) {
        return;
      }
      if (!pending.isEmpty()) {
        sendPending();
      }
      halfClosed = true;
      requests.onCompleted();
    }
  }

  /** Ends the stream and closes the session on the server; unread results are dropped. */
  @Override
  public void close() {
    synchronized (sendLock) {
      if (!ended) {
        ended = true;
        requests.cancel("session closed by the client", null);
      }
    }
    try {
      client.closeSession(session.getId());
    } catch (GridQueueException e) {
      if (e.status().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
  }

  private final class Responses implements ClientResponseObserver<Batch, Batch> {
    @Override
    public void beforeStart(ClientCallStreamObserver<Batch> stream) {
      requests = stream;
      stream.disableAutoRequestWithInitial(RESPONSE_WINDOW);
      stream.setOnReadyHandler(
          () -> {
            synchronized (sendLock) {
              sendLock.notifyAll();
            }
          });
    }

    @Override
    public void onNext(Batch results) {
      for (Message m : results.getMessagesList()) {
        inbox.add(
            new TaskResult(
                m.getId(), m.getPayload().toByteArray(), m.hasError() ? m.getError() : null, m.getAttempts()));
      }
      requests.request(1); // the inbox is unbounded: the reader's pace is the caller's business
    }

    @Override
    public void onError(Throwable t) {
      if (!ended) {
        failure = t;
      }
      inbox.add(END);
      synchronized (sendLock) {
        sendLock.notifyAll();
      }
    }

    @Override
    public void onCompleted() {
      inbox.add(END);
    }
  }
}
