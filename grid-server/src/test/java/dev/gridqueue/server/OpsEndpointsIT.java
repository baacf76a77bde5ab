package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.grid.LocalGridPorts;
import dev.gridqueue.proto.v1.QueueGrpc;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Health, reflection, the Prometheus endpoint and the dashboard's JSON, against a real node. */
class OpsEndpointsIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(2).withOpsEndpoints();

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void shouldServeGrpcHealthOnceJoinedForTheNodeAndEachService() {
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(grid.newChannel());

    await().atMost(Duration.ofSeconds(10)).until(() -> check(health, "") == ServingStatus.SERVING);
    assertThat(check(health, QueueGrpc.SERVICE_NAME)).isEqualTo(ServingStatus.SERVING);
    assertThatThrownBy(() -> check(health, "no.such.Service")).hasMessageContaining("NOT_FOUND");
  }

  @Test
  void shouldListAndDescribeTheServicesThroughReflection() throws Exception {
    // given
    ServerReflectionGrpc.ServerReflectionStub reflection =
        ServerReflectionGrpc.newStub(grid.newChannel());

    // when
    List<ServerReflectionResponse> answers =
        reflect(
            reflection,
            ServerReflectionRequest.newBuilder().setListServices("").build(),
            ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("gridqueue.v1.Queue")
                .build());

    // then
    assertThat(answers.get(0).getListServicesResponse().getServiceList())
        .extracting(ServiceResponse::getName)
        .contains("gridqueue.v1.Queue", "gridqueue.v1.Cache", "grpc.health.v1.Health");
    assertThat(answers.get(1).getFileDescriptorResponse().getFileDescriptorProtoCount())
        .isPositive();
  }

  @Test
  void shouldScrapeTheGridsFiguresGrpcAndJvmMetricsOverHttp() throws Exception {
    // given: a session with 30 tasks done, open while the endpoint is scraped
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    try (TaskSession session = client.openSession(SessionOptions.forApp("echo").build())) {
      for (int i = 0; i < 30; i++) {
        session.submit("t" + i, ("p" + i).getBytes(StandardCharsets.UTF_8));
      }
      session.flush();
      session.awaitResults(30, Duration.ofSeconds(30));

      // when / then
      String metricsUrl = "http://127.0.0.1:" + grid.server().metricsPort().getAsInt() + "/metrics";
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                String scrape = get(metricsUrl);
                assertThat(value(scrape, "gridqueue_tasks_done")).isGreaterThanOrEqualTo(30);
                assertThat(value(scrape, "gridqueue_workers_connected")).isEqualTo(1);
                // Work Queue's cumulative fields
                assertThat(value(scrape, "gridqueue_tasks_submitted")).isGreaterThanOrEqualTo(30);
                assertThat(value(scrape, "gridqueue_tasks_dispatched")).isGreaterThanOrEqualTo(30);
                assertThat(value(scrape, "gridqueue_bytes_sent")).isPositive();
                assertThat(value(scrape, "gridqueue_workers_joined")).isGreaterThanOrEqualTo(1);
                assertThat(value(scrape, "gridqueue_capacity_tasks")).isGreaterThanOrEqualTo(10);
                assertThat(scrape).contains("gridqueue_time_workers_execute ");
                assertThat(scrape)
                    .contains("gridqueue_tasks_waiting ")
                    .contains("gridqueue_tasks_running ")
                    .contains("gridqueue_scheduler_up 1")
                    .contains(
                        "gridqueue_session_tasks_done{app=\"echo\",session=\""
                            + session.id()
                            + "\"} 30")
                    .contains("gridqueue_worker_tasks_done{kind=\"jvm\"")
                    .contains("grpc_server_processing_duration_seconds_count")
                    .contains("jvm_memory_used_bytes");
              });
    }
  }

  @Test
  void shouldServeTheDashboardPageAndItsJson() throws Exception {
    String base = "http://127.0.0.1:" + grid.server().dashboardPort().getAsInt();

    assertThat(get(base + "/")).contains("<title>gridqueue dashboard</title>");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(get(base + "/api/grid"))
                    .contains("\"schedulerUp\":true")
                    .contains("\"workersConnected\":1")
                    .contains("\"history\":[{\"t\":"));
  }

  @Test
  void shouldRefuseATakenGrpcPortBeforeJoiningTheGrid() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      LocalGridPorts ports = LocalGridPorts.allocate();
      GridServerOptions options =
          GridServerOptions.newBuilder()
              .grid(ports.options("taken-port").workDirectory(grid.workDir()).build())
              .grpcHost("127.0.0.1")
              .grpcPort(taken.getLocalPort())
              .build();

      assertThatThrownBy(() -> GridServer.start(options))
          .isInstanceOf(GridServerStartException.class)
          .hasMessageContaining("gRPC port " + taken.getLocalPort() + " on 127.0.0.1 is taken");
      assertThat(org.apache.ignite.Ignition.allGrids())
          .noneMatch(i -> "taken-port".equals(i.name()));
    }
  }

  @Test
  void shouldTurnNotServingWhenTheNodeLeaves() throws Exception {
    // given: a node of its own, watched by a client
    LocalGridPorts ports = LocalGridPorts.allocate();
    GridServer node =
        GridServer.start(
            GridServerOptions.newBuilder()
                .grid(ports.options("leaving-node").workDirectory(grid.workDir()).build())
                .grpcHost("127.0.0.1")
                .grpcPort(0)
                .build());
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", node.grpcPort()).usePlaintext().build();
    try {
      BlockingQueue<ServingStatus> seen = new LinkedBlockingQueue<>();
      HealthGrpc.newStub(channel)
          .watch(
              HealthCheckRequest.getDefaultInstance(),
              new StreamObserver<>() {
                @Override
                public void onNext(HealthCheckResponse r) {
                  seen.add(r.getStatus());
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {}
              });
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains(ServingStatus.SERVING));
      seen.clear();

      // when
      CompletableFuture<Void> leaving = CompletableFuture.runAsync(node::close);

      // then
      assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo(ServingStatus.NOT_SERVING);
      leaving.get(30, TimeUnit.SECONDS);
    } finally {
      channel.shutdownNow();
      node.close();
    }
  }

  private static ServingStatus check(HealthGrpc.HealthBlockingStub health, String service) {
    return health
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build())
        .getStatus();
  }

  private static List<ServerReflectionResponse> reflect(
      ServerReflectionGrpc.ServerReflectionStub stub, ServerReflectionRequest... requests)
      throws Exception {
    BlockingQueue<ServerReflectionResponse> answers = new LinkedBlockingQueue<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> out =
        stub.serverReflectionInfo(
            new StreamObserver<>() {
              @Override
              public void onNext(ServerReflectionResponse r) {
                answers.add(r);
              }

              @Override
              public void onError(Throwable t) {
                done.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                done.complete(null);
              }
            });
    for (ServerReflectionRequest r : requests) {
      out.onNext(r);
    }
    out.onCompleted();
    done.get(10, TimeUnit.SECONDS);
    return List.copyOf(answers);
  }

  static String get(String url) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static double value(String scrape, String metric) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(metric + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(metric.length() + 1).trim()))
        .findFirst()
        .orElse(-1);
  }
}
