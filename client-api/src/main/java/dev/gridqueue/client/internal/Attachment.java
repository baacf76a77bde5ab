package dev.gridqueue.client.internal;

import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Session;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;

/**
 * One attachment of a session to a grid node: its task stream ({@code ClientStream}) and its
 * dead-letter stream there. It only opens, writes and cancels them, and hands what they report to
 * its {@link Listener}; what that means for the session is the listener's business. A session makes
 * a new attachment for every node it attaches to and never reuses one.
 */
public final class Attachment {
  /** Result batches requested ahead: gRPC's one-at-a-time default caps small-batch throughput. */
  static final int RESPONSE_WINDOW = 64;

  private static final Metadata.Key<String> SESSION_HEADER =
      Metadata.Key.of("sessionid", Metadata.ASCII_STRING_MARSHALLER);

  /** What the streams report. Called on transport threads: must not block. */
  public interface Listener {
    /** The task stream can take a message without buffering. */
    void onReady(Attachment attachment);

    void onResults(Attachment attachment, Batch results);

    void onDeadLetters(Attachment attachment, Batch letters);

    /** The server completed the task stream (it does so after the client's half-close). */
    void onCompleted(Attachment attachment);

    void onTaskStreamError(Attachment attachment, Status status);

    void onDeadLetterStreamError(Attachment attachment, Status status);
  }

  private final Endpoint endpoint;
  private final String sessionId;
  private final Listener listener;
  private volatile ClientCallStreamObserver<Batch> requests;
  private volatile ClientCallStreamObserver<Session> deadLetters;
  private volatile boolean answered;
  private volatile boolean cancelledByClient;
  private volatile boolean completed;
  // The session's bookkeeping about this attachment, guarded by its lock (SessionState).
  private boolean broken;
  private boolean watched;

  public Attachment(Endpoint endpoint, String sessionId, Listener listener) {
    this.endpoint = endpoint;
    this.sessionId = sessionId;
    this.listener = listener;
  }

  /**
   * Opens both streams; the task stream names the session up front with the {@code sessionid}
   * header.
   */
  public void open() {
    Metadata headers = new Metadata();
    headers.put(SESSION_HEADER, sessionId);
    endpoint
        .async()
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .clientStream(new Results());
    endpoint
        .async()
        .clientStreamDeadLetters(Session.newBuilder().setId(sessionId).build(), new DeadLetters());
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  /** Whether the task stream takes a message now (gRPC flow control). */
  public boolean isReady() {
    ClientCallStreamObserver<Batch> r = requests;
    return r != null && r.isReady();
  }

  public void send(Batch batch) {
    requests.onNext(batch);
  }

  /** Tells the server no more task batches follow on this stream. */
  public void halfClose() {
    requests.onCompleted();
  }

  /** Cancels both streams; the errors they then report are known to be this client's doing. */
  public void cancel(String why) {
    cancelledByClient = true;
    ClientCallStreamObserver<Batch> r = requests;
    if (r != null) {
      r.cancel(why, null);
    }
    ClientCallStreamObserver<Session> d = deadLetters;
    if (d != null) {
      d.cancel(why, null);
    }
  }

  public boolean cancelledByClient() {
    return cancelledByClient;
  }

  /** Whether the node has answered on either stream: it was reachable. */
  public boolean answered() {
    return answered;
  }

  /** Whether the server completed the task stream. */
  public boolean completed() {
    return completed;
  }

  boolean broken() {
    return broken;
  }

  void markBroken() {
    broken = true;
  }

  /** Marks the attachment as watched for tasks that never end; false if it already was. */
  boolean watchOnce() {
    if (watched) {
      return false;
    }
    watched = true;
    return true;
  }

  private final class Results implements ClientResponseObserver<Batch, Batch> {
    @Override
    public void beforeStart(ClientCallStreamObserver<Batch> stream) {
      requests = stream;
      stream.disableAutoRequestWithInitial(RESPONSE_WINDOW);
      stream.setOnReadyHandler(
          () -> {
            answered = true;
            listener.onReady(Attachment.this);
          });
    }

    @Override
    public void onNext(Batch results) {
      answered = true;
      listener.onResults(Attachment.this, results);
      requests.request(
          1); // the caller's inbox is unbounded: how fast it reads is the caller's business
    }

    @Override
    public void onError(Throwable t) {
      listener.onTaskStreamError(Attachment.this, Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      completed = true;
      listener.onCompleted(Attachment.this);
    }
  }

  private final class DeadLetters implements ClientResponseObserver<Session, Batch> {
    @Override
    public void beforeStart(ClientCallStreamObserver<Session> stream) {
      deadLetters = stream;
    }

    @Override
    public void onNext(Batch letters) {
      answered = true;
      listener.onDeadLetters(Attachment.this, letters);
    }

    @Override
    public void onError(Throwable t) {
      listener.onDeadLetterStreamError(Attachment.this, Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {}
  }
}
