package dev.gridqueue.cli;

import dev.gridqueue.client.ApiKey;
import dev.gridqueue.client.GridQueueClient;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** How a command reaches a grid's gRPC port: API key and TLS. */
final class ClientConnectionOptions {
  @Option(
      names = "--api-key-file",
      paramLabel = "FILE",
      description =
          "File whose first line is the API key to send (default: the environment variable "
              + ApiKey.ENVIRONMENT_VARIABLE
              + ", if set).")
  Path apiKeyFile;

  @Option(
      names = "--ca",
      paramLabel = "FILE",
      description = "Speak TLS, trusting server certificates signed by this CA (PEM).")
  Path ca;

  @Option(
      names = "--client-cert",
      paramLabel = "FILE",
      description = "Client certificate (PEM) for servers that require one (--tls-client-ca).")
  Path clientCert;

  @Option(names = "--client-key", paramLabel = "FILE", description = "Key of --client-cert (PEM).")
  Path clientKey;

  GridQueueClient connect(List<String> addresses) {
    GridQueueClient.Builder b = GridQueueClient.newBuilder().addresses(addresses).apiKey(apiKey());
    if (ca != null) {
      b.trustedCa(ca);
    }
    if (clientCert != null || clientKey != null) {
      if (clientCert == null || clientKey == null) {
        throw new IllegalArgumentException("--client-cert and --client-key go together");
      }
      b.clientCertificate(clientCert, clientKey);
    }
    return b.build();
  }

  private String apiKey() {
    if (apiKeyFile != null) {
      return ApiKey.readFile(apiKeyFile);
    }
    String fromEnvironment = System.getenv(ApiKey.ENVIRONMENT_VARIABLE);
    return fromEnvironment == null || fromEnvironment.isBlank() ? null : fromEnvironment.strip();
  }
}
