package dev.gridqueue.client;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Grid nodes as in-process gRPC servers running {@link FakeQueue}, and a {@link GridQueueClient} of
 * all of them whose time is {@link ManualTime}. The client's channels use a direct executor, as the
 * README recommends, so its callbacks run on the thread that causes them.
 */
final class FakeGrid {
  final ManualTime time = new ManualTime();
  final GridQueueClient client;
  private final List<FakeQueue> nodes = new ArrayList<>();
  private final List<Server> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  FakeGrid(int nodeCount, Duration giveUpAfter) throws IOException {
    for (int i = 0; i < nodeCount; i++) {
      String name = "fake-node-" + i + "-" + UUID.randomUUID();
      FakeQueue node = new FakeQueue();
      nodes.add(node);
      servers.add(
          InProcessServerBuilder.forName(name)
              .addService(ServerInterceptors.intercept(node, node.headers()))
              .build()
              .start());
      channels.add(InProcessChannelBuilder.forName(name).directExecutor().build());
    }
    client = new GridQueueClient(channels, giveUpAfter, time, time);
  }

  FakeQueue node(int i) {
    return nodes.get(i);
  }

  /** The node's server goes away: its streams fail and new calls to it find no server. */
  void stop(int i) throws InterruptedException {
    servers.get(i).shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  void close() throws InterruptedException {
    client.close();
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    for (Server s : servers) {
      s.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
