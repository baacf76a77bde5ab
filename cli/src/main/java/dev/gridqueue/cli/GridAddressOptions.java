package dev.gridqueue.cli;

import dev.gridqueue.grid.GridOptions;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every node shares: how it finds the grid and what it listens on. */
final class GridAddressOptions {
  @Option(
      names = "--grid",
      split = ",",
      paramLabel = "HOST:PORT",
      description =
          "Discovery addresses of grid servers (HOST:PORT or HOST:FROM..TO), comma separated.")
  List<String> seeds = List.of();

  @Option(
      names = "--host",
      description =
          "Address this node binds and advertises to the grid (default: ${DEFAULT-VALUE}).")
  String host = "127.0.0.1";

  @Option(
      names = "--discovery-port",
      description = "First Ignite discovery port to listen on (default: ${DEFAULT-VALUE}).")
  int discoveryPort = GridOptions.DEFAULT_DISCOVERY_PORT;

  @Option(
      names = "--communication-port",
      description = "First Ignite communication port (default: ${DEFAULT-VALUE}).")
  int communicationPort = GridOptions.DEFAULT_COMMUNICATION_PORT;

  @Option(
      names = "--k8s-namespace",
      description = "Kubernetes namespace of the grid (Kubernetes discovery).")
  String k8sNamespace;

  @Option(
      names = "--k8s-service",
      description = "Headless service of the grid's server pods (Kubernetes discovery).")
  String k8sService;

  @Option(
      names = "--failure-detection-ms",
      description =
          "How long a silent node (a crashed worker, a dead server) may take to be declared failed; its batches are then re-queued (default: ${DEFAULT-VALUE}).")
  long failureDetectionMs = 10_000;

  @Option(
      names = "--work-dir",
      description = "Directory for Ignite's work files (default: ${DEFAULT-VALUE}).")
  Path workDir = Path.of(System.getProperty("java.io.tmpdir"), "gridqueue");

  @Option(
      names = "--node-ssl",
      paramLabel = "DIR",
      description =
          "SSL between grid nodes (discovery and communication): DIR holds node.p12 (or node.jks), truststore.p12 (or .jks) and store-password, as `gridqueue certs` writes them. Every node of the grid needs it; nodes without a certificate from the grid's CA are refused.")
  Path nodeSsl;

  @Option(
      names = "--ignite-config",
      paramLabel = "FILE.xml",
      description =
          "Ignite Spring XML node configuration to start from (one IgniteConfiguration bean). gridqueue keeps its own instance name, client mode, logger, failure handling, caches and event types, turns Ignite's thin-client and REST connectors off, and uses the file's discovery, communication, data storage, SSL, local host and work directory when it sets them (see README).")
  Path igniteConfig;

  GridOptions.Builder toGridOptions(String instanceName) {
    GridOptions.Builder b =
        GridOptions.newBuilder()
            .instanceName(instanceName)
            .localHost(host)
            .discoveryPort(discoveryPort, 9)
            .communicationPort(communicationPort, 99)
            .workDirectory(workDir)
            .failureDetectionTimeout(java.time.Duration.ofMillis(failureDetectionMs))
            .igniteConfig(igniteConfig);
    if (!seeds.isEmpty()) {
      b.seedAddresses(seeds);
    }
    if (nodeSsl != null) {
      b.ssl(NodeSslDirectory.read(nodeSsl));
    }
    if (k8sNamespace != null || k8sService != null) {
      b.kubernetes(new GridOptions.KubernetesDiscovery(k8sNamespace, k8sService));
    }
    return b;
  }
}
