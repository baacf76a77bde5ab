package dev.gridqueue.client;

import dev.gridqueue.client.internal.Endpoints;
import dev.gridqueue.client.internal.Ticker;
import dev.gridqueue.proto.v1.CancelRequest;
import dev.gridqueue.proto.v1.Session;
import dev.gridqueue.proto.v1.Stats;
import dev.gridqueue.proto.v1.StatsRequest;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Java client of a gridqueue grid. A thin client: it only speaks gRPC and never joins the grid.
 * Given one {@link Channel}, which the caller creates and shuts down:
 *
 * <pre>{@code
 * ManagedChannel channel =
 *     ManagedChannelBuilder.forTarget("localhost:1337").usePlaintext().directExecutor().build();
 * GridQueueClient client = new GridQueueClient(channel);
 * try (TaskSession session = client.openSession(SessionOptions.forApp("echo").build())) {
 *   session.submit("t1", "hello".getBytes());
 *   session.flush();
 *   TaskResult result = session.take();
 * }
 * }</pre>
 *
 * <p>Given several grid nodes ({@link #connect(List)}), the client survives the loss of the node it
 * talks to: calls refused with {@code UNAVAILABLE} go to the next address, and a {@link
 * TaskSession} whose stream breaks re-attaches to the next address by itself and sends again the
 * tasks still without a result (see {@link TaskSession}). The client's stream callbacks never
 * block, so channels built with {@code directExecutor()} are safe and, for many small tasks,
 * several times faster than gRPC's default callback pool.
 */
public final class GridQueueClient implements AutoCloseable {
  /** How long a session keeps trying addresses after its stream broke, by default. */
  static final Duration DEFAULT_GIVE_UP_AFTER = Duration.ofSeconds(60);

  private final Endpoints endpoints;
  private final List<ManagedChannel> owned;
  private final Duration giveUpAfter;

  /** Coalesced acknowledgements and re-attach attempts of this client's sessions. */
  private final ScheduledExecutorService timer;

  /** The clock outages are measured with. */
  private final Ticker ticker;

  /** A client of the grid node behind {@code channel} (owned by the caller). */
  public GridQueueClient(Channel channel) {
    this(List.of(channel), List.of(), DEFAULT_GIVE_UP_AFTER, newTimer(), Ticker.SYSTEM);
  }

  /**
   * A client of several grid nodes of one grid (channels owned by the caller): sessions fail over
   * between them, giving up after {@code giveUpAfter} without any reachable node.
   */
  public GridQueueClient(List<? extends Channel> channels, Duration giveUpAfter) {
    this(channels, List.of(), giveUpAfter, newTimer(), Ticker.SYSTEM);
  }

  /**
   * A client whose sessions take time from {@code ticker} and schedule acknowledgements and
   * re-attach attempts on {@code timer}, which the client shuts down in {@link #close()}. Tests
   * pass a clock they move by hand.
   */
  GridQueueClient(
      List<? extends Channel> channels,
      Duration giveUpAfter,
      ScheduledExecutorService timer,
      Ticker ticker) {
    this(channels, List.of(), giveUpAfter, timer, ticker);
  }

  private GridQueueClient(
      List<? extends Channel> channels,
      List<ManagedChannel> owned,
      Duration giveUpAfter,
      ScheduledExecutorService timer,
      Ticker ticker) {
    if (giveUpAfter.isNegative()) {
      throw new IllegalArgumentException("giveUpAfter must not be negative, got " + giveUpAfter);
    }
    this.endpoints = new Endpoints(channels);
    this.owned = List.copyOf(owned);
    this.giveUpAfter = giveUpAfter;
    this.timer = timer;
    this.ticker = ticker;
  }

  /**
   * A client of the grid nodes at {@code hostPorts} ("host:port"), with plaintext channels it
   * creates and shuts down in {@link #close()}. Sessions fail over between the nodes.
   */
  public static GridQueueClient connect(List<String> hostPorts) {
    return connect(hostPorts, DEFAULT_GIVE_UP_AFTER);
  }

  /** As {@link #connect(List)}, giving up after {@code giveUpAfter} without a reachable node. */
  public static GridQueueClient connect(List<String> hostPorts, Duration giveUpAfter) {
    List<ManagedChannel> channels = new ArrayList<>();
    for (String hostPort : hostPorts) {
      channels.add(
          ManagedChannelBuilder.forTarget(hostPort).usePlaintext().directExecutor().build());
    }
    return new GridQueueClient(channels, channels, giveUpAfter, newTimer(), Ticker.SYSTEM);
  }

  /**
   * A builder of a client that creates its own channels: addresses, and optionally an API key, TLS
   * (the CA to trust, a client certificate) and the give-up time.
   */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Builder of a {@link GridQueueClient} owning its channels. */
  public static final class Builder {
    private final List<String> addresses = new ArrayList<>();
    private String apiKey;
    private Path trustedCa;
    private Path clientCertificate;
    private Path clientKey;
    private Duration giveUpAfter = DEFAULT_GIVE_UP_AFTER;

    private Builder() {}

    /** Grid nodes ("host:port"); sessions fail over between them. */
    public Builder addresses(List<String> hostPorts) {
      addresses.addAll(hostPorts);
      return this;
    }

    /** Sends {@code key} as {@code api_key} metadata on every call (null: none). */
    public Builder apiKey(String key) {
      this.apiKey = key;
      return this;
    }

    /** Speaks TLS, trusting the server certificates signed by the CA in this PEM file. */
    public Builder trustedCa(Path caPem) {
      this.trustedCa = caPem;
      return this;
    }

    /** Presents this certificate (PEM) and PKCS#8 key (PEM) to servers requiring client certs. */
    public Builder clientCertificate(Path certificatePem, Path keyPem) {
      this.clientCertificate = certificatePem;
      this.clientKey = keyPem;
      return this;
    }

    /** How long a session keeps trying addresses after its stream broke (default 60 s). */
    public Builder giveUpAfter(Duration giveUpAfter) {
      this.giveUpAfter = giveUpAfter;
      return this;
    }

    public GridQueueClient build() {
      if (addresses.isEmpty()) {
        throw new IllegalArgumentException("at least one address is needed");
      }
      if (clientCertificate != null && trustedCa == null) {
        throw new IllegalArgumentException("a client certificate needs TLS: set trustedCa too");
      }
      ChannelCredentials credentials = credentials();
      List<ManagedChannel> channels = new ArrayList<>();
      List<Channel> used = new ArrayList<>();
      for (String hostPort : addresses) {
        ManagedChannel channel =
            Grpc.newChannelBuilder(hostPort, credentials)
                .directExecutor()
                .maxInboundMessageSize(ContractLimits.MAX_MESSAGE_BYTES)
                .build();
        channels.add(channel);
        used.add(apiKey == null ? channel : ApiKey.attach(channel, apiKey));
      }
      return new GridQueueClient(used, channels, giveUpAfter, newTimer(), Ticker.SYSTEM);
    }

    private ChannelCredentials credentials() {
      if (trustedCa == null) {
        return InsecureChannelCredentials.create();
      }
      try {
        TlsChannelCredentials.Builder tls =
            TlsChannelCredentials.newBuilder().trustManager(trustedCa.toFile());
        if (clientCertificate != null) {
          tls.keyManager(clientCertificate.toFile(), clientKey.toFile());
        }
        return tls.build();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the CA or client certificate", e);
      }
    }
  }

  private static ScheduledExecutorService newTimer() {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, "gridqueue-client");
          t.setDaemon(true);
          return t;
        });
  }

  /** Creates a session and opens its task stream. */
  public TaskSession openSession(SessionOptions options) {
    Session session = endpoints.call(e -> e.blocking().createSession(options.toRequest()));
    return TaskSession.open(
        this, session, options.batchSize(), endpoints, timer, ticker, giveUpAfter);
  }

  /** The files of a session in the grid's file store (inputs and outputs of command tasks). */
  public FilesClient files(String sessionId) {
    return new FilesClient(endpoints, sessionId);
  }

  Endpoints endpoints() {
    return endpoints;
  }

  /** The shared data of a session: upload levels, read them back, delete them. */
  public SharedDataClient sharedData(String sessionId) {
    return new SharedDataClient(endpoints, sessionId);
  }

  /**
   * Live figures of the grid: workers, tasks waiting/running/done/failed, per session and worker.
   */
  public Stats stats() {
    return endpoints.call(e -> e.blocking().getStats(StatsRequest.getDefaultInstance()));
  }

  /** Live figures of the grid with only one session's line. */
  public Stats stats(String sessionId) {
    return endpoints.call(
        e -> e.blocking().getStats(StatsRequest.newBuilder().setSessionId(sessionId).build()));
  }

  /**
   * Cancels tasks of a session that have not started: by id, by tag, or all of them. They end as
   * dead letters with error "cancelled by the client"; running ones finish. Returns how many ids
   * and tags the server accepted.
   */
  public int cancel(
      String sessionId, Collection<String> taskIds, Collection<String> tags, boolean all) {
    CancelRequest request =
        CancelRequest.newBuilder()
            .setSessionId(sessionId)
            .addAllTaskIds(taskIds)
            .addAllTags(tags)
            .setAll(all)
            .build();
    return endpoints.call(e -> e.blocking().cancelTasks(request)).getAccepted();
  }

  /**
   * Changes a running session's attributes (UpdateSession) and returns the session as it now is.
   * Changes nothing on an error: {@code NOT_FOUND} for a closed session, {@code INVALID_ARGUMENT}
   * naming the field and limit (e.g. min workers above max workers, a blocked host that is not a
   * host name or an IP address), thrown as {@link GridQueueException}.
   */
  public Session updateSession(String sessionId, SessionUpdate update) {
    Session request = update.toRequest(sessionId);
    return endpoints.call(e -> e.blocking().updateSession(request));
  }

  /** The session's attributes as they are now (UpdateSession changing nothing). */
  public Session session(String sessionId) {
    return updateSession(sessionId, SessionUpdate.NOTHING);
  }

  /** Closes a session by id: its queued tasks and undelivered results are dropped. */
  public void closeSession(String sessionId) {
    endpoints.call(e -> e.blocking().closeSession(Session.newBuilder().setId(sessionId).build()));
  }

  /** Shuts down the channels this client created ({@link #connect}); caller-owned ones stay. */
  @Override
  public void close() {
    timer.shutdownNow();
    for (ManagedChannel c : owned) {
      c.shutdownNow();
    }
    for (ManagedChannel c : owned) {
      try {
        c.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
