package dev.gridqueue.client;

import dev.gridqueue.proto.v1.CacheGrpc;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.Session;
import dev.gridqueue.proto.v1.Stats;
import dev.gridqueue.proto.v1.StatsRequest;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The Java client of a gridqueue grid. A thin client: it only speaks gRPC and never joins the
 * grid. Given one {@link Channel}, which the caller creates and shuts down:
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
 * <p>Given several grid nodes ({@link #connect(List)}), the client survives the loss of the node
 * it talks to: calls refused with {@code UNAVAILABLE} go to the next address, and a {@link
 * TaskSession} whose stream breaks re-attaches to the next address by itself and sends again the
 * tasks still without a result (see {@link TaskSession}). The client's stream callbacks never
 * block, so channels built with {@code directExecutor()} are safe and, for many small tasks,
 * several times faster than gRPC's default callback pool.
 */
public final class GridQueueClient implements AutoCloseable {
  /** How long a session keeps trying addresses after its stream broke, by default. */
  static final Duration DEFAULT_GIVE_UP_AFTER = Duration.ofSeconds(60);

  /** One grid node's stubs. */
  record Endpoint(String name, QueueGrpc.QueueBlockingStub blocking, QueueGrpc.QueueStub async, CacheGrpc.CacheBlockingStub cache) {
    static Endpoint of(String name, Channel channel) {
      return new Endpoint(
          name,
          QueueGrpc.newBlockingStub(channel),
          QueueGrpc.newStub(channel),
          // Shared-data levels are the only large messages: room for the largest the contract allows.
          CacheGrpc.newBlockingStub(channel)
              .withMaxInboundMessageSize(ContractLimits.MAX_MESSAGE_BYTES)
              .withMaxOutboundMessageSize(ContractLimits.MAX_MESSAGE_BYTES));
    }
  }

  private final List<Endpoint> endpoints;
  private final List<ManagedChannel> owned;
  private final AtomicInteger current = new AtomicInteger();
  private final Duration giveUpAfter;
  /** Coalesced acknowledgements and re-attach attempts of this client's sessions. */
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "gridqueue-client");
            t.setDaemon(true);
            return t;
          });

  /** A client of the grid node behind {@code channel} (owned by the caller). */
  public GridQueueClient(Channel channel) {
    this(List.of(Endpoint.of(channel.authority(), channel)), List.of(), DEFAULT_GIVE_UP_AFTER);
  }

  /**
   * A client of several grid nodes of one grid (channels owned by the caller): sessions fail over
   * between them, giving up after {@code giveUpAfter} without any reachable node.
   */
  public GridQueueClient(List<? extends Channel> channels, Duration giveUpAfter) {
    this(endpointsOf(channels), List.of(), giveUpAfter);
  }

  private GridQueueClient(List<Endpoint> endpoints, List<ManagedChannel> owned, Duration giveUpAfter) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("at least one grid node address is needed");
    }
    if (giveUpAfter.isNegative()) {
      throw new IllegalArgumentException("giveUpAfter must not be negative, got " + giveUpAfter);
    }
    this.endpoints = List.copyOf(endpoints);
    this.owned = List.copyOf(owned);
    this.giveUpAfter = giveUpAfter;
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
      channels.add(ManagedChannelBuilder.forTarget(hostPort).usePlaintext().directExecutor().build());
    }
    return new GridQueueClient(endpointsOf(channels), channels, giveUpAfter);
  }

  private static List<Endpoint> endpointsOf(List<? extends Channel> channels) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (Channel c : channels) {
      endpoints.add(Endpoint.of(c.authority(), c));
    }
    return endpoints;
  }

  /** Creates a session and opens its task stream. */
  public TaskSession openSession(SessionOptions options) {
    Session session = call(e -> e.blocking().createSession(options.toRequest()));
    return TaskSession.open(this, session, options.batchSize());
  }

  /** The shared data of a session: upload levels, read them back, delete them. */
  public SharedDataClient sharedData(String sessionId) {
    return new SharedDataClient(this, sessionId);
  }

  /** Live figures of the grid: workers, tasks waiting/running/done/failed, per session and worker. */
  public Stats stats() {
    return call(e -> e.blocking().getStats(StatsRequest.getDefaultInstance()));
  }

  /** Live figures of the grid with only one session's line. */
  public Stats stats(String sessionId) {
    return call(e -> e.blocking().getStats(StatsRequest.newBuilder().setSessionId(sessionId).build()));
  }

  /**
   * Cancels tasks of a session that have not started: by id, by tag, or all of them. They end as
   * dead letters with error "cancelled by the client"; running ones finish. Returns how many ids
   * and tags the server accepted.
   */
  public int cancel(String sessionId, java.util.Collection<String> taskIds, java.util.Collection<String> tags, boolean all) {
    return call(e -> e.blocking().cancelTasks(dev.gridqueue.proto.v1.CancelRequest.newBuilder()
            .setSessionId(sessionId)
            .addAllTaskIds(taskIds)
            .addAllTags(tags)
            .setAll(all)
            .build()))
        .getAccepted();
  }

  /** Closes a session by id: its queued tasks and undelivered results are dropped. */
  public void closeSession(String sessionId) {
    call(e -> e.blocking().closeSession(Session.newBuilder().setId(sessionId).build()));
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

  /** The node calls go to now. */
  Endpoint endpoint() {
    return endpoints.get(Math.floorMod(current.get(), endpoints.size()));
  }

  /** Moves on from {@code failed} to the next node (unless someone already did); returns it. */
  Endpoint nextEndpoint(Endpoint failed) {
    int at = current.get();
    if (endpoints.get(Math.floorMod(at, endpoints.size())) == failed) {
      current.compareAndSet(at, at + 1);
    }
    return endpoint();
  }

  int endpointCount() {
    return endpoints.size();
  }

  Duration giveUpAfter() {
    return giveUpAfter;
  }

  ScheduledExecutorService timer() {
    return timer;
  }

  /** Runs a unary call, trying the next node while the one tried answers UNAVAILABLE. */
  <T> T call(Function<Endpoint, T> rpc) {
    StatusRuntimeException last = null;
    for (int i = 0; i < endpoints.size(); i++) {
      Endpoint e = endpoint();
      try {
        return rpc.apply(e);
      } catch (StatusRuntimeException ex) {
        if (ex.getStatus().getCode() != Status.Code.UNAVAILABLE) {
          throw new GridQueueException(ex.getStatus());
        }
        last = ex;
        nextEndpoint(e);
      }
    }
    throw new GridQueueException(last.getStatus());
  }

  static <T> T call(java.util.function.Supplier<T> rpc) {
    try {
      return rpc.get();
    } catch (StatusRuntimeException e) {
      throw new GridQueueException(e.getStatus());
    }
  }
}
