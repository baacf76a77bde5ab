package dev.gridqueue.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.ignite.Ignite;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ignite's Kubernetes discovery ({@code TcpDiscoveryKubernetesIpFinder}, what {@code
 * --k8s-namespace --k8s-service} and the k8s/ manifests use): two grid nodes find each other
 * through an HTTPS server that answers the Endpoints API the way the Kubernetes API server does,
 * with the service-account token checked.
 */
class KubernetesDiscoveryIT {
  private static final String TOKEN = "test-token-" + UUID.randomUUID();
  private static final String PATH = "/api/v1/namespaces/gridqueue/endpoints/gridqueue-grid";

  private final Path dir = Path.of("target", "k8s-discovery-it", UUID.randomUUID().toString());
  private final Queue<String> requests = new ConcurrentLinkedQueue<>();
  private final int discovery = FreePorts.findRange(10);
  private HttpsServer apiServer;

  @BeforeEach
  void startApiServer() throws Exception {
    Files.createDirectories(dir);
    apiServer = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    apiServer.setHttpsConfigurator(new HttpsConfigurator(selfSignedTls()));
    apiServer.createContext("/", this::answer);
    apiServer.start();
  }

  @AfterEach
  void stopApiServer() {
    apiServer.stop(0);
  }

  @Test
  void shouldJoinTwoNodesThroughTheEndpointsOfTheService() throws Exception {
    // given: the service account token where the node reads it
    Path token = Files.writeString(dir.resolve("token"), TOKEN);
    GridOptions.KubernetesDiscovery k8s =
        new GridOptions.KubernetesDiscovery("gridqueue", "gridqueue-grid")
            .withApiServer("https://127.0.0.1:" + apiServer.getAddress().getPort(), token);

    // when: two server nodes whose only way to find each other is the Endpoints answer
    try (Ignite first = GridNodes.start(options("k8s-a", discovery, k8s));
        Ignite second = GridNodes.start(options("k8s-b", discovery, k8s))) {

      // then
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(first.cluster().nodes()).hasSize(2);
                assertThat(second.cluster().nodes()).hasSize(2);
              });
      assertThat(requests).isNotEmpty().allMatch(r -> r.equals("GET " + PATH + " authorized"));
    }
  }

  private GridOptions options(String name, int discovery, GridOptions.KubernetesDiscovery k8s) {
    return GridOptions.newBuilder()
        .instanceName(name + "-" + UUID.randomUUID())
        .discoveryPort(discovery, 10)
        .communicationPort(FreePorts.findRange(10), 10)
        .kubernetes(k8s)
        .workDirectory(dir.toAbsolutePath())
        .dataRegionMaxBytes(64L << 20)
        .build();
  }

  /**
   * GET /api/v1/namespaces/{ns}/endpoints/{service}: the Endpoints object of the headless service
   * (one subset, this machine's address, the discovery port), 401 without the bearer token, 404 for
   * any other path, as the API server answers.
   */
  private void answer(HttpExchange exchange) throws IOException {
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    boolean authorized = ("Bearer " + TOKEN).equals(auth);
    String path = exchange.getRequestURI().getPath();
    requests.add(
        exchange.getRequestMethod() + " " + path + (authorized ? " authorized" : " anonymous"));
    int status;
    String body;
    if (!authorized) {
      status = 401;
      body = status("Unauthorized", 401);
    } else if (!exchange.getRequestMethod().equals("GET") || !path.equals(PATH)) {
      status = 404;
      body = status("NotFound", 404);
    } else {
      status = 200;
      body =
          """
          {"kind":"Endpoints","apiVersion":"v1",
           "metadata":{"name":"gridqueue-grid","namespace":"gridqueue","uid":"%s",
             "resourceVersion":"4242","creationTimestamp":"2026-01-01T00:00:00Z",
             "labels":{"app.kubernetes.io/name":"gridqueue","app.kubernetes.io/component":"grid"}},
           "subsets":[{
             "addresses":[{"ip":"127.0.0.1","hostname":"gridqueue-grid-0","nodeName":"node-1",
               "targetRef":{"kind":"Pod","namespace":"gridqueue","name":"gridqueue-grid-0",
                 "uid":"%s"}}],
             "ports":[{"name":"discovery","port":%d,"protocol":"TCP"},
                      {"name":"communication","port":47100,"protocol":"TCP"}]}]}
          """
              .formatted(UUID.randomUUID(), UUID.randomUUID(), discovery);
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static String status(String reason, int code) {
    return """
        {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",\
        "message":"%s","reason":"%s","code":%d}"""
        .formatted(reason.toLowerCase(), reason, code);
  }

  /** A TLS context with a self-signed certificate made by the JDK's keytool for this test. */
  private SSLContext selfSignedTls() throws Exception {
    Path store = dir.resolve("api-server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "api-server",
                "-keyalg",
                "EC",
                "-dname",
                "CN=kubernetes",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("keytool.log").toFile())
            .start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(Files.readString(dir.resolve("keytool.log"))).isZero();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(store.toFile())) {
      keys.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, "changeit".toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    return tls;
  }
}
