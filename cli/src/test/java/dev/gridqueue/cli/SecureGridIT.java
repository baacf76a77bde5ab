package dev.gridqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.cli.certs.DevCertificates;
import dev.gridqueue.client.ApiKey;
import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.FreePorts;
import dev.gridqueue.grid.GridOptions;
import dev.gridqueue.grid.IgniteConfigFactory;
import dev.gridqueue.grid.LocalGridPorts;
import dev.gridqueue.grid.NodeSsl;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.StatsRequest;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A grid secured as the README says, with processes started by {@code ./gridqueue}: certificates
 * from {@code gridqueue certs}, two servers with gRPC TLS (one also requiring client certificates),
 * API keys and SSL between nodes. Clients without the CA fail, with it they work; an Ignite node
 * without the grid's certificates (none, or another CA's) cannot join, one with them can; a server
 * asked to listen on every interface without TLS and keys refuses to start.
 */
class SecureGridIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  private static final Path WORK =
      Path.of("target", "secure-grid-" + System.nanoTime()).toAbsolutePath();
  private static final Path CERTS = WORK.resolve("certs");
  private static final Path OTHER_CA = WORK.resolve("other-ca");
  private static final LocalGridPorts PORTS = LocalGridPorts.allocate();
  private static final List<Process> PROCESSES = new ArrayList<>();
  private static int grpcPort;
  private static int mutualTlsPort;

  @BeforeAll
  static void startSecuredServer() throws Exception {
    Files.createDirectories(WORK);
    Process certs = start("certs", "certs", CERTS.toString());
    assertThat(certs.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(certs.exitValue()).as(logOf("certs")).isZero();
    for (String file : DevCertificates.FILES) {
      assertThat(CERTS.resolve(file)).exists();
    }
    DevCertificates.write(OTHER_CA, List.of(), Duration.ofDays(1));
    Files.writeString(
        WORK.resolve("keys"),
        "client key-alice alice\nadmin sha256:" + sha256("key-ops") + " ops\n",
        StandardCharsets.UTF_8);
    Files.writeString(WORK.resolve("alice.key"), "key-alice\n", StandardCharsets.UTF_8);
    grpcPort = FreePorts.any();
    mutualTlsPort = FreePorts.any();
    // A second server of the same grid asks clients for certificates too (mutual TLS).
    startServer(
        "mtls-server",
        mutualTlsPort,
        "--no-local-worker",
        "--tls-client-ca",
        CERTS.resolve("ca.pem").toString());
    startServer("server", grpcPort, "--slots", "2");
    for (String server : List.of("server", "mtls-server")) {
      await(server + " up")
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> logOf(server).contains("gridqueue server up"));
    }
  }

  private static void startServer(String name, int port, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "server",
                "--port",
                Integer.toString(port),
                "--tls-cert",
                CERTS.resolve("server.pem").toString(),
                "--tls-key",
                CERTS.resolve("server.key").toString(),
                "--api-keys",
                WORK.resolve("keys").toString(),
                "--node-ssl",
                CERTS.toString(),
                "--discovery-port",
                Integer.toString(PORTS.discoveryPort()),
                "--grid",
                PORTS.seedAddress(),
                "--communication-port",
                Integer.toString(FreePorts.findRange(100)),
                "--work-dir",
                WORK.toString(),
                "--data-region-mb",
                "256"));
    args.addAll(List.of(more));
    start(name, args.toArray(String[]::new));
  }

  @AfterAll
  static void stopAll() throws Exception {
    for (Process p : PROCESSES) {
      p.destroyForcibly().waitFor();
    }
  }

  @Test
  void shouldServeAClientThatTrustsTheGridsCaAndRefuseOneThatDoesNot() throws Exception {
    // given / when: a client with the CA and its key
    try (GridQueueClient client =
            GridQueueClient.newBuilder()
                .addresses(List.of("localhost:" + grpcPort))
                .trustedCa(CERTS.resolve("ca.pem"))
                .apiKey("key-alice")
                .build();
        TaskSession session = client.openSession(SessionOptions.forApp("echo").build())) {
      for (int i = 0; i < 100; i++) {
        session.submit("t" + i, ("p" + i).getBytes(StandardCharsets.UTF_8));
      }
      session.finishSending();
      // then
      assertThat(session.awaitResults(100, WAIT)).hasSize(100).allMatch(r -> r.succeeded());
    }
    // plaintext, and TLS trusting another CA: no call gets through
    assertThat(statsStatus(InsecureChannelCredentials.create())).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(
            statsStatus(
                TlsChannelCredentials.newBuilder()
                    .trustManager(OTHER_CA.resolve("ca.pem").toFile())
                    .build()))
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(
            statsStatus(
                TlsChannelCredentials.newBuilder()
                    .trustManager(CERTS.resolve("ca.pem").toFile())
                    .build()))
        .isEqualTo(Status.Code.OK);
  }

  @Test
  void shouldRequireAClientCertificateWhereTheServerAsksForOne() throws Exception {
    // a client trusting the CA but presenting no certificate: the handshake fails
    assertThat(
            statsStatus(
                mutualTlsPort,
                TlsChannelCredentials.newBuilder()
                    .trustManager(CERTS.resolve("ca.pem").toFile())
                    .build()))
        .isEqualTo(Status.Code.UNAVAILABLE);
    // another CA's client certificate: refused as well
    assertThat(
            statsStatus(
                mutualTlsPort,
                TlsChannelCredentials.newBuilder()
                    .trustManager(CERTS.resolve("ca.pem").toFile())
                    .keyManager(
                        OTHER_CA.resolve("client.pem").toFile(),
                        OTHER_CA.resolve("client.key").toFile())
                    .build()))
        .isEqualTo(Status.Code.UNAVAILABLE);
    // the grid's client certificate, through the Java client's builder: served
    try (GridQueueClient client =
        GridQueueClient.newBuilder()
            .addresses(List.of("localhost:" + mutualTlsPort))
            .trustedCa(CERTS.resolve("ca.pem"))
            .clientCertificate(CERTS.resolve("client.pem"), CERTS.resolve("client.key"))
            .apiKey("key-ops")
            .build()) {
      assertThat(client.stats().getGridNodes()).isEqualTo(2);
    }
  }

  @Test
  void shouldRunStatusWithTheCaAndKeyFileOnly() throws Exception {
    String server = "localhost:" + grpcPort;
    String key = WORK.resolve("alice.key").toString();
    Process withCa =
        start(
            "status-ca",
            "status",
            "--server",
            server,
            "--ca",
            CERTS.resolve("ca.pem").toString(),
            "--api-key-file",
            key);
    Process withoutCa = start("status-plain", "status", "--server", server, "--api-key-file", key);
    Process withoutKey =
        start(
            "status-nokey",
            "status",
            "--server",
            server,
            "--ca",
            CERTS.resolve("ca.pem").toString());
    assertThat(withCa.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(withCa.exitValue()).as(logOf("status-ca")).isZero();
    assertThat(logOf("status-ca")).contains("grid: 2 node(s)");
    assertThat(withoutCa.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(withoutCa.exitValue()).isNotZero();
    assertThat(withoutKey.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(withoutKey.exitValue()).isNotZero();
    assertThat(logOf("status-nokey")).contains("UNAUTHENTICATED");
  }

  @Test
  void shouldRefuseAnIgniteNodeWithoutTheGridsCertificates() throws Exception {
    // a node with no SSL at all, and one with another CA's certificates: refused at the handshake
    assertThatThrownBy(() -> joinAsClientNode("rogue-plain", null))
        .as("a node without certificates joined the grid")
        .isNotNull();
    assertThatThrownBy(() -> joinAsClientNode("rogue-other-ca", OTHER_CA))
        .as("a node with another CA's certificate joined the grid")
        .isNotNull();
    // the grid's own certificates: joins, and reads the caches (communication over SSL too)
    try (Ignite node = joinAsClientNode("trusted", CERTS)) {
      assertThat(node.cluster().forServers().nodes()).hasSize(2);
      assertThat(node.cache(CacheNames.SESSIONS).size()).isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  void shouldRefuseToServeEveryInterfaceWithoutTlsAndKeys() throws Exception {
    Process open =
        start(
            "open-server",
            "server",
            "--grpc-host",
            "0.0.0.0",
            "--port",
            Integer.toString(FreePorts.any()),
            "--work-dir",
            WORK.toString());
    assertThat(open.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(open.exitValue()).isEqualTo(2);
    assertThat(logOf("open-server")).contains("not a loopback address").contains("--insecure");
  }

  /** Starts an Ignite client node pointed at the grid; fails if it cannot join within 10 s. */
  private static Ignite joinAsClientNode(String name, Path sslDir) throws Exception {
    GridOptions.Builder options =
        GridOptions.newBuilder()
            .instanceName(name + "-" + System.nanoTime())
            .clientMode(true)
            .discoveryPort(FreePorts.findRange(10), 9)
            .communicationPort(FreePorts.findRange(10), 9)
            .seedAddresses(List.of(PORTS.seedAddress()))
            .workDirectory(WORK.resolve(name));
    if (sslDir != null) {
      options.ssl(
          new NodeSsl(
              sslDir.resolve("node.p12"),
              sslDir.resolve("truststore.p12"),
              Files.readString(sslDir.resolve("store-password")).strip().toCharArray()));
    }
    IgniteConfiguration cfg = IgniteConfigFactory.create(options.build());
    ((TcpDiscoverySpi) cfg.getDiscoverySpi()).setJoinTimeout(10_000);
    // A guard, not a timing assertion: a node that neither joins nor fails would hang the build.
    return CompletableFuture.supplyAsync(() -> Ignition.start(cfg)).get(120, TimeUnit.SECONDS);
  }

  private static Status.Code statsStatus(ChannelCredentials credentials) throws Exception {
    return statsStatus(grpcPort, credentials);
  }

  private static Status.Code statsStatus(int port, ChannelCredentials credentials)
      throws Exception {
    ManagedChannel channel = Grpc.newChannelBuilder("localhost:" + port, credentials).build();
    try {
      QueueGrpc.newBlockingStub(ApiKey.attach(channel, "key-ops"))
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .getStats(StatsRequest.getDefaultInstance());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static String sha256(String key) {
    return dev.gridqueue.server.security.ApiKeys.sha256(key);
  }

  private static Process start(String name, String... args) throws Exception {
    Process p =
        SeparateWorkerProcessIT.launcher(args)
            .redirectErrorStream(true)
            .redirectOutput(WORK.resolve(name + ".log").toFile())
            .start();
    PROCESSES.add(p);
    return p;
  }

  private static String logOf(String name) throws Exception {
    Path log = WORK.resolve(name + ".log");
    return Files.exists(log) ? Files.readString(log) : "";
  }
}
