package dev.gridqueue.client;

import dev.gridqueue.proto.v1.CacheGrpc;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.Session;
import dev.gridqueue.proto.v1.Stats;
import dev.gridqueue.proto.v1.StatsRequest;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;

/**
 * The Java client of a gridqueue grid. A thin client: it only speaks gRPC and never joins the
 * grid. It takes a {@link Channel}, which the caller creates and shuts down. The client's stream
 * callbacks never block, so a channel built with {@code directExecutor()} is safe and, for many
 * small tasks, several times faster than gRPC's default callback pool:
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
 */
public final class GridQueueClient {
  /** Shared-data payloads up to the server's default 256 MiB, plus framing. */
  private static final int MAX_SHARED_DATA_MESSAGE_BYTES = (256 + 16) << 20;

  private final QueueGrpc.QueueBlockingStub blocking;
  private final QueueGrpc.QueueStub async;
  private final CacheGrpc.CacheBlockingStub cache;

  public GridQueueClient(Channel channel) {
    this.blocking = QueueGrpc.newBlockingStub(channel);
    this.async = QueueGrpc.newStub(channel);
    this.cache =
        CacheGrpc.newBlockingStub(channel)
            .withMaxInboundMessageSize(MAX_SHARED_DATA_MESSAGE_BYTES)
            .withMaxOutboundMessageSize(MAX_SHARED_DATA_MESSAGE_BYTES);
  }

  /** Creates a session and opens its task stream. */
  public TaskSession openSession(SessionOptions options) {
    Session session = call(() -> blocking.createSession(options.toRequest()));
    return TaskSession.open(this, async, session, options.batchSize());
  }

  /** The shared data of a session: upload levels, read them back, delete them. */
  public SharedDataClient sharedData(String sessionId) {
    return new SharedDataClient(cache, sessionId);
  }

  /** Live figures of the grid: workers, tasks waiting/running/done/failed, per session and worker. */
  public Stats stats() {
    return call(() -> blocking.getStats(StatsRequest.getDefaultInstance()));
  }

  /** Live figures of the grid with only one session's line. */
  public Stats stats(String sessionId) {
    return call(() -> blocking.getStats(StatsRequest.newBuilder().setSessionId(sessionId).build()));
  }

  /** Closes a session by id: its queued tasks and undelivered results are dropped. */
  public void closeSession(String sessionId) {
    call(() -> blocking.closeSession(Session.newBuilder().setId(sessionId).build()));
  }

  static <T> T call(java.util.function.Supplier<T> rpc) {
    try {
      return rpc.get();
    } catch (StatusRuntimeException e) {
      throw new GridQueueException(e.getStatus());
    }
  }
}
