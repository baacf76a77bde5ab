package dev.gridqueue.client;

import com.google.protobuf.ByteString;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.Session;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open session: submit tasks, take how they ended. Tasks are sent in batches of the session's
 * batch size; {@link #flush()} sends a partial batch. {@link #submit} blocks while the server is
 * not ready for more (gRPC flow control), so a fast producer cannot exhaust memory on either side.
 * Results arrive in completion order. Submitting is thread-safe; so is taking results.
 *
 * <p><b>Exactly once to the caller.</b> Every task ends once: as a result, or as a dead letter
 * ({@link TaskResult#isDeadLetter()}, from the session's dead-letter stream, which the session
 * opens too). A task id the server delivers again (after a failover, a re-executed batch) is
 * dropped ({@link #duplicatesDropped()}). Every delivery is acknowledged to the server, coalesced:
 * piggybacked on the next task batch, or in a batch of acknowledgements at most every {@link
 * #ACK_DELAY_MILLIS} ms. After {@link #finishSending()} nothing more can be sent: the server then
 * removes what it delivered when the stream completes.
 *
 * <p><b>Failover.</b> When the stream breaks ({@code UNAVAILABLE} or another transport failure:
 * the grid node died or the network failed), the session re-attaches by itself to the client's
 * next address with the {@code sessionid} header, backing off from 0 to 2 s between attempts,
 * and sends again every task it submitted whose result or dead letter has not arrived (the grid
 * may run some twice; the caller still sees each once). It gives up with a {@link
 * GridQueueException} ({@code UNAVAILABLE}) after the client's give-up time (60 s by default)
 * without reaching a node. To do this the session keeps each task's payload until the task ends.
 */
public final class TaskSession implements AutoCloseable {
  /** Acknowledgements wait at most this long for a task batch to ride on. */
  static final long ACK_DELAY_MILLIS = 5;

  private static final Logger LOG = LoggerFactory.getLogger(TaskSession.class);
  private static final Object END = new Object();
  /** Result batches requested ahead: gRPC's one-at-a-time default caps small-batch throughput. */
  private static final int RESPONSE_WINDOW = 64;
  private static final Metadata.Key<String> SESSION_HEADER =
      Metadata.Key.of("sessionid", Metadata.ASCII_STRING_MARSHALLER);
  private static final String RESUBMIT_MARK = "~r";

  private final GridQueueClient client;
  private final Session session;
  private final int batchSize;
  private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
  private final Object sendLock = new Object();
  private final List<Message> pending = new ArrayList<>();
  /**
   * Sent tasks not yet ended, kept to send again after a failover. A task leaves when it first
   * ends, so a later delivery of the same id finds it gone and is a repeat: memory stays
   * proportional to the tasks in flight, not to all tasks ever run.
   */
  private final Map<String, Sent> unanswered = new ConcurrentHashMap<>();
  private final Queue<String> acks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean ackFlushScheduled = new AtomicBoolean();
  private final AtomicLong duplicatesDropped = new AtomicLong();
  private final AtomicLong failovers = new AtomicLong();

  private Attachment stream; // guarded by sendLock
  private boolean reconnecting; // guarded by sendLock
  private long outageStartedNanos; // guarded by sendLock
  private int attempt; // guarded by sendLock
  private Status lastError; // guarded by sendLock
  private volatile Throwable failure;
  private volatile boolean finished;
  private boolean ended;
  private boolean halfClosed;
  private int batchCounter;
  private Integer sharedDataLevel; // guarded by sendLock; null: batches use no shared data

  /** A task as sent, with the shared-data level its batch named. */
  private record Sent(Message task, Integer level) {}

  private TaskSession(GridQueueClient client, Session session, int batchSize) {
    this.client = client;
    this.session = session;
    this.batchSize = batchSize;
  }

  static TaskSession open(GridQueueClient client, Session session, int batchSize) {
    TaskSession s = new TaskSession(client, session, batchSize);
    synchronized (s.sendLock) {
      s.stream = s.new Attachment(client.endpoint());
      s.stream.open();
    }
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

  /** Deliveries of a task that had already ended, dropped (the caller saw each task once). */
  public long duplicatesDropped() {
    return duplicatesDropped.get();
  }

  /** How many times the session re-attached after its stream broke. */
  public long failovers() {
    return failovers.get();
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

  /**
   * Queues one task; sends a batch when the batch is full. Task ids must be unique within the
   * session (the contract's rule): a task submitted under the id of one still running is taken
   * for the same task, and only one of them ends for the caller.
   */
  public void submit(String taskId, byte[] payload) {
    submit(taskId, payload, "");
  }

  /** As {@link #submit(String, byte[])}, with a tag that {@link #cancel} can name. */
  public void submit(String taskId, byte[] payload, String tag) {
    if (taskId == null || taskId.isEmpty()) {
      throw new IllegalArgumentException("taskId must not be empty");
    }
    synchronized (sendLock) {
      pending.add(Message.newBuilder().setId(taskId).setPayload(ByteString.copyFrom(payload)).setTag(tag).build());
      if (pending.size() >= batchSize) {
        sendPending();
      }
    }
  }

  /**
   * Cancels tasks that have not started, by id and by tag: they end as dead letters with error
   * "cancelled by the client". A task already running finishes; one already ended is unaffected.
   * Tasks still waiting in this client's unsent batch are cancelled too (the batch is sent first).
   */
  public void cancel(java.util.Collection<String> taskIds, java.util.Collection<String> tags) {
    flush();
    client.cancel(session.getId(), taskIds, tags, false);
  }

  /** Cancels every task of the session that has not started. */
  public void cancelAll() {
    flush();
    client.cancel(session.getId(), java.util.List.of(), java.util.List.of(), true);
  }

  /**
   * Runs a dead-lettered task again under a new id and returns it: {@code <id>~r1}, then {@code
   * <id>~r2} for a resubmitted one that was dead-lettered again, and so on. The session keeps no
   * payloads of ended tasks, so the caller passes it again. The new task is sent with the next
   * batch ({@link #flush()} to send it now).
   */
  public String resubmit(TaskResult deadLetter, byte[] payload) {
    if (!deadLetter.isDeadLetter()) {
      throw new IllegalArgumentException("task " + deadLetter.taskId() + " is not a dead letter");
    }
    String id = nextAttemptId(deadLetter.taskId());
    submit(id, payload);
    return id;
  }

  /** {@code id~r1} for {@code id}; {@code id~r(n+1)} for {@code id~rn}. */
  static String nextAttemptId(String taskId) {
    int at = taskId.lastIndexOf(RESUBMIT_MARK);
    if (at > 0) {
      String n = taskId.substring(at + RESUBMIT_MARK.length());
      if (!n.isEmpty() && n.chars().allMatch(Character::isDigit) && n.length() < 9) {
        return taskId.substring(0, at) + RESUBMIT_MARK + (Integer.parseInt(n) + 1);
      }
    }
    return taskId + RESUBMIT_MARK + 1;
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
    for (Message m : pending) {
      unanswered.put(m.getId(), new Sent(m, sharedDataLevel));
    }
    addAcks(batch);
    pending.clear();
    stream.requests.onNext(batch.build());
  }

  private void addAcks(Batch.Builder batch) {
    for (String id; (id = acks.poll()) != null; ) {
      batch.addAckDeliveryIds(id);
    }
  }

  // Called with sendLock held; onReady and re-attaching notify it.
  private void awaitReady() {
    while (reconnecting || !stream.requests.isReady()) {
      throwIfFailed();
      if (ended || halfClosed || finished) {
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

  /** The next result or dead letter, waiting as long as needed; null once the session has ended. */
  public TaskResult take() throws InterruptedException {
    return unwrap(inbox.take());
  }

  /** The next result or dead letter, or null if none arrives within {@code timeout} or the session ended. */
  public TaskResult poll(Duration timeout) throws InterruptedException {
    Object next = inbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    return next == null ? null : unwrap(next);
  }

  /** Waits for {@code count} tasks to end (results and dead letters). */
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
   * the result stream once every task sent on it has ended; {@link #take()} returns null after the
   * last result or dead letter.
   */
  public void finishSending() {
    synchronized (sendLock) {
      if (halfClosed || ended || finished) {
        return;
      }
      if (!pending.isEmpty()) {
        sendPending();
      }
      halfClosed = true;
      if (!reconnecting) {
        sendAcks();
        stream.requests.onCompleted();
      } // else the re-attach half-closes the new stream after sending the tasks again
    }
  }

  /** Ends the streams and closes the session on the server; unread results are dropped. */
  @Override
  public void close() {
    synchronized (sendLock) {
      if (!ended) {
        ended = true;
        stream.cancel("session closed by the client");
        if (!finished) {
          finished = true;
          inbox.add(END);
        }
        sendLock.notifyAll();
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

  /** A task ended: handed to the caller unless it already was. Runs on a transport thread. */
  private void ended(TaskResult r) {
    if (unanswered.remove(r.taskId()) != null) {
      inbox.add(r);
    } else {
      duplicatesDropped.incrementAndGet();
    }
  }

  private void acknowledge(String deliveryId) {
    if (deliveryId.isEmpty()) {
      return;
    }
    acks.add(deliveryId);
    if (ackFlushScheduled.compareAndSet(false, true)) {
      try {
        client.timer().schedule(this::flushAcks, ACK_DELAY_MILLIS, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException clientClosed) {
        ackFlushScheduled.set(false);
      }
    }
  }

  private void flushAcks() {
    synchronized (sendLock) {
      ackFlushScheduled.set(false);
      if (!reconnecting && !halfClosed && !ended && !finished) {
        sendAcks();
      }
    }
  }

  /** Sends waiting acknowledgements in a batch of their own. Holds sendLock. */
  private void sendAcks() {
    if (acks.isEmpty()) {
      return;
    }
    Batch.Builder batch = Batch.newBuilder().setSessionId(session.getId());
    addAcks(batch);
    stream.requests.onNext(batch.build());
  }

  /** The server completed the result stream (after our half-close). */
  private void completed(Attachment s) {
    synchronized (sendLock) {
      if (s != stream || finished) {
        return;
      }
      s.completed = true;
    }
    finishIfAllEnded();
  }

  /**
   * Ends the session for the caller once the server completed the stream and every task ended.
   * A task whose batch was answered only by a dead letter may still be on the dead-letter
   * stream when the result stream completes: wait for it, up to the give-up time.
   */
  private void finishIfAllEnded() {
    synchronized (sendLock) {
      if (finished || !stream.completed) {
        return;
      }
      if (unanswered.isEmpty()) {
        finish(null);
      } else if (!stream.watched) {
        stream.watched = true;
        Attachment watched = stream;
        schedule(
            () -> {
              synchronized (sendLock) {
                if (!finished && stream == watched && !unanswered.isEmpty()) {
                  finish(new GridQueueException(Status.DATA_LOSS.withDescription(
                      unanswered.size() + " tasks ended neither with a result nor a dead letter within "
                          + client.giveUpAfter().toSeconds() + " s of the stream's end")));
                }
              }
            },
            client.giveUpAfter().toMillis());
      }
    }
  }

  /** Ends the session for the caller: with {@code error}, or normally if null. Holds sendLock. */
  private void finish(Throwable error) {
    if (finished) {
      return;
    }
    finished = true;
    if (error != null && !ended) {
      failure = error;
    }
    stream.cancel(error == null ? "every task ended" : "session failed");
    inbox.add(END);
    sendLock.notifyAll();
  }

  /** A stream of attachment {@code s} failed; re-attach if the failure is the transport's. */
  private void broke(Attachment s, Throwable t) {
    Status status = Status.fromThrowable(t);
    synchronized (sendLock) {
      if (s != stream || s.broken || ended || finished) {
        return;
      }
      s.broken = true;
      if (!isTransportFailure(status)) {
        finish(t);
        return;
      }
      if (s.confirmed || outageStartedNanos == 0) {
        outageStartedNanos = System.nanoTime();
        attempt = 0;
      }
      lastError = status;
      reconnecting = true;
      s.cancel("re-attaching elsewhere");
      long delay = attempt == 0 ? 0 : Math.min(2_000, 100L << Math.min(attempt - 1, 5));
      attempt++;
      LOG.info("stream of session {} to {} broke ({}); re-attaching in {} ms", session.getId(),
          s.endpoint.name(), status.getCode(), delay);
      schedule(this::reattach, delay);
      sendLock.notifyAll();
    }
  }

  private static boolean isTransportFailure(Status status) {
    return switch (status.getCode()) {
      case UNAVAILABLE, UNKNOWN, INTERNAL, ABORTED, CANCELLED -> true;
      default -> false;
    };
  }

  private void schedule(Runnable task, long delayMillis) {
    try {
      client.timer().schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException clientClosed) {
      synchronized (sendLock) {
        finish(new GridQueueException(Status.CANCELLED.withDescription("the client was closed")));
      }
    }
  }

  /** Attaches to the next address and sends again every task not yet ended. Timer thread. */
  private void reattach() {
    synchronized (sendLock) {
      if (ended || finished) {
        return;
      }
      if (System.nanoTime() - outageStartedNanos > client.giveUpAfter().toNanos()) {
        finish(new GridQueueException(Status.UNAVAILABLE.withDescription(
            "gave up re-attaching session " + session.getId() + ": none of the " + client.endpointCount()
                + " grid node addresses answered for " + client.giveUpAfter().toSeconds() + " s; last error: "
                + lastError)));
        return;
      }
      Attachment s = new Attachment(client.nextEndpoint(stream.endpoint));
      stream = s;
      failovers.incrementAndGet();
      s.open();
      Map<Integer, List<Message>> byLevel = new LinkedHashMap<>();
      for (Sent sent : unanswered.values()) {
        byLevel.computeIfAbsent(sent.level() == null ? 0 : sent.level(), l -> new ArrayList<>()).add(sent.task());
      }
      int resent = 0;
      for (Map.Entry<Integer, List<Message>> level : byLevel.entrySet()) {
        List<Message> tasks = level.getValue();
        for (int from = 0; from < tasks.size(); from += batchSize) {
          if (!awaitAttached(s)) {
            return; // broke again: the next attempt is scheduled
          }
          Batch.Builder batch =
              Batch.newBuilder()
                  .setId(Integer.toString(++batchCounter))
                  .setSessionId(session.getId())
                  .addAllMessages(tasks.subList(from, Math.min(tasks.size(), from + batchSize)));
          if (level.getKey() != 0) {
            batch.setUseSharedData(true).setRequiredSharedDataUpdateLevel(level.getKey());
          }
          addAcks(batch);
          s.requests.onNext(batch.build());
          resent += batch.getMessagesCount();
        }
      }
      if (!awaitAttached(s)) {
        return;
      }
      if (halfClosed) {
        sendAcks();
        s.requests.onCompleted();
      }
      reconnecting = false;
      LOG.info("session {} re-attached to {}; sent {} tasks again", session.getId(), s.endpoint.name(), resent);
      sendLock.notifyAll();
    }
  }

  /** Waits until {@code s} is ready for a message; false if it broke. Holds sendLock. */
  private boolean awaitAttached(Attachment s) {
    while (!s.broken && !ended && !finished && !s.requests.isReady()) {
      try {
        sendLock.wait(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return !s.broken && !ended && !finished;
  }

  /** One attachment to a grid node: the session's task stream and dead-letter stream there. */
  private final class Attachment {
    final GridQueueClient.Endpoint endpoint;
    volatile ClientCallStreamObserver<Batch> requests;
    volatile ClientCallStreamObserver<Session> deadLetters;
    volatile boolean broken;
    /** The node answered: the outage, if any, is over. */
    volatile boolean confirmed;
    boolean completed; // guarded by sendLock
    boolean watched; // guarded by sendLock

    Attachment(GridQueueClient.Endpoint endpoint) {
      this.endpoint = endpoint;
    }

    void open() {
      Metadata headers = new Metadata();
      headers.put(SESSION_HEADER, session.getId());
      QueueGrpc.QueueStub stub = endpoint.async().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
      stub.clientStream(new Results(this));
      endpoint.async().clientStreamDeadLetters(Session.newBuilder().setId(session.getId()).build(), new DeadLetters(this));
    }

    void cancel(String why) {
      if (requests != null) {
        requests.cancel(why, null);
      }
      if (deadLetters != null) {
        deadLetters.cancel(why, null);
      }
    }
  }

  private final class Results implements ClientResponseObserver<Batch, Batch> {
    private final Attachment attachment;

    Results(Attachment attachment) {
      this.attachment = attachment;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Batch> stream) {
      attachment.requests = stream;
      stream.disableAutoRequestWithInitial(RESPONSE_WINDOW);
      stream.setOnReadyHandler(
          () -> {
            attachment.confirmed = true;
            synchronized (sendLock) {
              sendLock.notifyAll();
            }
          });
    }

    @Override
    public void onNext(Batch results) {
      attachment.confirmed = true;
      for (Message m : results.getMessagesList()) {
        ended(new TaskResult(
            m.getId(), m.getPayload().toByteArray(), m.hasError() ? m.getError() : null, m.getAttempts()));
      }
      acknowledge(results.getDeliveryId());
      attachment.requests.request(1); // the inbox is unbounded: the reader's pace is the caller's business
      if (attachment.completed) {
        finishIfAllEnded();
      }
    }

    @Override
    public void onError(Throwable t) {
      broke(attachment, t);
    }

    @Override
    public void onCompleted() {
      completed(attachment);
    }
  }

  private final class DeadLetters implements ClientResponseObserver<Session, Batch> {
    private final Attachment attachment;

    DeadLetters(Attachment attachment) {
      this.attachment = attachment;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Session> stream) {
      attachment.deadLetters = stream;
    }

    @Override
    public void onNext(Batch letters) {
      attachment.confirmed = true;
      for (Message m : letters.getMessagesList()) {
        ended(new TaskResult(m.getId(), new byte[0], m.hasError() ? m.getError() : "dead letter", m.getAttempts(), true));
      }
      acknowledge(letters.getDeliveryId());
      finishIfAllEnded();
    }

    @Override
    public void onError(Throwable t) {
      Status status = Status.fromThrowable(t);
      if (status.getCode() == Status.Code.UNAVAILABLE) {
        broke(attachment, t); // the node is gone: the task stream goes with it
      } else if (status.getCode() != Status.Code.CANCELLED) {
        LOG.debug("dead-letter stream of session {} ended: {}", session.getId(), status);
      }
    }

    @Override
    public void onCompleted() {}
  }
}
