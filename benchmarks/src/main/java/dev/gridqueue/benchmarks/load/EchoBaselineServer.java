package dev.gridqueue.benchmarks.load;

import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.Session;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The raw-gRPC baseline: the same Queue service shape answered without a grid. CreateSession
 * returns an id; ClientStream turns every task batch straight into a result batch of the same shape
 * (id, payload, related_id). Measured with the same client as the grid, so the ratio grid/baseline
 * is the cost of the grid alone.
 */
final class EchoBaselineServer implements AutoCloseable {
  private final Server server;

  private EchoBaselineServer(Server server) {
    this.server = server;
  }

  static EchoBaselineServer start() throws IOException {
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .maxInboundMessageSize(dev.gridqueue.client.ContractLimits.MAX_MESSAGE_BYTES)
            .directExecutor()
            .addService(new EchoQueue())
            .build()
            .start();
    return new EchoBaselineServer(server);
  }

  int port() {
    return server.getPort();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private static final class EchoQueue extends QueueGrpc.QueueImplBase {
    @Override
    public void createSession(Session request, StreamObserver<Session> response) {
      response.onNext(request.toBuilder().setId(UUID.randomUUID().toString()).build());
      response.onCompleted();
    }

    @Override
    public void closeSession(Session request, StreamObserver<com.google.protobuf.Empty> response) {
      response.onNext(com.google.protobuf.Empty.getDefaultInstance());
      response.onCompleted();
    }

    @Override
    public StreamObserver<Batch> clientStream(StreamObserver<Batch> response) {
      return new StreamObserver<>() {
        @Override
        public void onNext(Batch tasks) {
          Batch.Builder results =
              Batch.newBuilder().setId(tasks.getId()).setSessionId(tasks.getSessionId());
          for (Message task : tasks.getMessagesList()) {
            results.addMessages(
                Message.newBuilder()
                    .setId(task.getId())
                    .setRelatedId(task.getId())
                    .setPayload(task.getPayload())
                    .setAttempts(1));
          }
          response.onNext(results.build());
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          response.onCompleted();
        }
      };
    }
  }
}
