package dev.gridqueue.cli;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.server.GridServerOptions;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --server}: the grid nodes a command talks to, how (API key, TLS: {@link
 * ClientConnectionOptions}), and the client for them.
 */
final class GridConnection {
  @Mixin ClientConnectionOptions credentials = new ClientConnectionOptions();

  @Option(
      names = "--server",
      split = ",",
      paramLabel = "HOST[:PORT]",
      converter = ServerAddress.Converter.class,
      description =
          "gRPC addresses of grid nodes, comma separated; HOST alone means port "
              + GridServerOptions.DEFAULT_GRPC_PORT
              + ", IPv6 as [::1]:1337 (default: ${DEFAULT-VALUE}).")
  List<ServerAddress> servers =
      List.of(new ServerAddress("localhost", GridServerOptions.DEFAULT_GRPC_PORT));

  GridQueueClient connect() {
    return credentials.connect(servers.stream().map(ServerAddress::target).toList());
  }

  /** For messages: the addresses as given. */
  String describe() {
    return String.join(",", servers.stream().map(ServerAddress::target).toList());
  }
}
