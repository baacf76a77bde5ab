package dev.gridqueue.server;

import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.grid.GridNodes;
import dev.gridqueue.grid.GridOptions;
import dev.gridqueue.scheduler.Scheduler;
import dev.gridqueue.server.internal.gateway.DataRegionGuard;
import dev.gridqueue.server.internal.gateway.GatewayQuotas;
import dev.gridqueue.server.internal.gateway.GrpcBlockingCalls;
import dev.gridqueue.server.internal.gateway.QueueService;
import dev.gridqueue.server.internal.gateway.SessionIdMetadata;
import dev.gridqueue.server.internal.gateway.SharedDataService;
import dev.gridqueue.server.internal.gateway.UploadLimit;
import dev.gridqueue.shareddata.SharedDataStore;
import dev.gridqueue.worker.WorkerRuntime;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.ignite.Ignite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A grid node: an Ignite server node holding the grid's caches, the gRPC frontend clients talk to,
 * a share in hosting the scheduler singleton, and optionally a local worker. Start one for the
 * embedded default; start several with the same discovery addresses for a cluster.
 */
public final class GridServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GridServer.class);

  private final Ignite ignite;
  private final QueueService queue;
  private final ExecutorService blockingCalls;
  private final Server grpc;

  private GridServer(
      Ignite ignite, QueueService queue, ExecutorService blockingCalls, Server grpc) {
    this.ignite = ignite;
    this.queue = queue;
    this.blockingCalls = blockingCalls;
    this.grpc = grpc;
  }

  public static GridServer start(GridServerOptions options) {
    GridOptions.Builder grid = options.grid().toBuilder().clientMode(false);
    WorkerRuntime worker = options.localWorker().map(WorkerRuntime::create).orElse(null);
    if (worker != null) {
      grid.userAttributes(worker.nodeAttributes()).publicThreadPoolSize(worker.jobThreads());
    }
    Ignite ignite = GridNodes.start(grid.build());
    try {
      if (worker != null) {
        worker.installOn(ignite);
      }
      Scheduler.deploy(ignite);
      // gRPC handlers run on network threads; calls that wait on the grid run here instead.
      ExecutorService blockingCalls =
          Executors.newFixedThreadPool(4, daemonThreads("gridqueue-grpc-blocking"));
      SharedDataStore sharedData = new SharedDataStore(ignite, options.sharedDataLimits());
      QueueService queue =
          new QueueService(
              ignite,
              sharedData,
              blockingCalls,
              options.deliveryAckTimeout(),
              new GatewayQuotas(
                  options.queuedBytesPerSession(),
                  options.queuedBytesPerServer(),
                  ContractLimits.STREAMS_PER_SESSION_MAX,
                  options.dataRegionWritesStopAt()));
      SharedDataService cache =
          new SharedDataService(
              sharedData,
              new GrpcBlockingCalls(blockingCalls),
              new DataRegionGuard(ignite, options.dataRegionWritesStopAt()));
      Server grpc = startGrpc(options, queue, cache);
      LOG.info(
          "grid node {} serving gRPC on port {}{}",
          ignite.name(),
          grpc.getPort(),
          worker != null ? " with a local worker" : "");
      return new GridServer(ignite, queue, blockingCalls, grpc);
    } catch (RuntimeException e) {
      ignite.close(); // else Ignite's non-daemon threads keep the JVM alive
      throw e;
    }
  }

  private static Server startGrpc(
      GridServerOptions options, QueueService queue, SharedDataService cache) {
    try {
      return NettyServerBuilder.forAddress(
              new InetSocketAddress(options.grpcHost(), options.grpcPort()))
          // Checked against each message's length prefix: a bigger one is refused before it is
          // buffered. Per-method limits are checked after parsing (BatchIntake, SharedDataStore).
          .maxInboundMessageSize(options.maxMessageBytes())
          .maxConcurrentCallsPerConnection(ContractLimits.CALLS_PER_CONNECTION_MAX)
          // Handlers never block (QueueService offloads what waits): no thread hop per message.
          .directExecutor()
          .addService(
              ServerInterceptors.intercept(
                  queue,
                  new SessionIdMetadata(),
                  new dev.gridqueue.server.internal.polyglot.WorkerIdMetadata(),
                  new dev.gridqueue.server.internal.gateway.PeerAddress()))
          .addService(
              ServerInterceptors.intercept(
                  cache, new UploadLimit(ContractLimits.SHARED_DATA_UPLOADS_PER_SERVER_MAX)))
          .build()
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve gRPC on port " + options.grpcPort(), e);
    }
  }

  /** The port gRPC listens on (the chosen one when the options said 0). */
  public int grpcPort() {
    return grpc.getPort();
  }

  public Ignite ignite() {
    return ignite;
  }

  @Override
  public void close() {
    grpc.shutdown();
    try {
      if (!grpc.awaitTermination(2, TimeUnit.SECONDS)) {
        grpc.shutdownNow();
      }
    } catch (InterruptedException e) {
      grpc.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      queue.close();
      blockingCalls.shutdownNow();
      ignite.close();
    }
  }

  private static ThreadFactory daemonThreads(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
