package dev.gridqueue.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gridqueue.grid.GridOptions;
import dev.gridqueue.server.GridServerOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
  @Test
  void shouldReadKeysAndDigestsWithRolesAndNames() {
    // given
    ApiKeys keys =
        ApiKeys.parse(
            List.of(
                "# comment",
                "",
                "client  k-alice   alice",
                "CLIENT  sha256:" + ApiKeys.sha256("k-alice-2").toUpperCase() + " alice",
                "admin k-ops ops"),
            "keys");

    // then
    assertThat(keys.enabled()).isTrue();
    assertThat(keys.lookup("k-alice")).contains(new Caller("alice", Caller.Role.CLIENT));
    assertThat(keys.lookup("k-alice-2")).contains(new Caller("alice", Caller.Role.CLIENT));
    assertThat(keys.lookup("k-ops").map(Caller::isAdmin)).contains(true);
    assertThat(keys.lookup("k-nobody")).isEmpty();
    assertThat(ApiKeys.none().enabled()).isFalse();
  }

  @Test
  void shouldRefuseMalformedLinesNamingTheLineButNeverTheKey() {
    assertThatThrownBy(() -> ApiKeys.parse(List.of("client secret-1"), "f"))
        .hasMessageContaining("f line 1")
        .hasMessageNotContaining("secret-1");
    assertThatThrownBy(() -> ApiKeys.parse(List.of("root secret-2 bob"), "f"))
        .hasMessageContaining("role must be client, worker or admin")
        .hasMessageNotContaining("secret-2");
    assertThatThrownBy(() -> ApiKeys.parse(List.of("client sha256:abc bob"), "f"))
        .hasMessageContaining("64 hex digits");
    assertThatThrownBy(
            () -> ApiKeys.parse(List.of("client secret-3 bob", "admin secret-4 bob"), "f"))
        .hasMessageContaining("line 2")
        .hasMessageContaining("already has role client")
        .hasMessageNotContaining("secret-4");
    assertThatThrownBy(() -> ApiKeys.parse(List.of("client s bob", "client s carol"), "f"))
        .hasMessageContaining("listed twice");
    assertThatThrownBy(() -> ApiKeys.parse(List.of("# nothing"), "f"))
        .hasMessageContaining("lists no API key");
  }

  @Test
  void shouldRefuseAnOpenServerOnANonLoopbackAddressUnlessInsecure() {
    GridOptions grid = GridOptions.newBuilder().build();
    ApiKeys keys = ApiKeys.parse(List.of("client k a"), "keys");
    GrpcTls tls = new GrpcTls(Path.of("cert.pem"), Path.of("key.pem"), Optional.empty());

    assertThatThrownBy(() -> GridServerOptions.newBuilder().grid(grid).grpcHost("0.0.0.0").build())
        .hasMessageContaining("not a loopback address")
        .hasMessageContaining("TLS and API keys");
    assertThatThrownBy(
            () -> GridServerOptions.newBuilder().grid(grid).grpcHost("0.0.0.0").tls(tls).build())
        .hasMessageContaining("without API keys");
    assertThatThrownBy(
            () ->
                GridServerOptions.newBuilder().grid(grid).grpcHost("0.0.0.0").apiKeys(keys).build())
        .hasMessageContaining("without TLS");
    assertThat(
            GridServerOptions.newBuilder()
                .grid(grid)
                .grpcHost("0.0.0.0")
                .tls(tls)
                .apiKeys(keys)
                .build()
                .grpcHost())
        .isEqualTo("0.0.0.0");
    assertThat(GridServerOptions.newBuilder().grid(grid).grpcHost("0.0.0.0").insecure(true).build())
        .isNotNull();
    assertThat(GridServerOptions.newBuilder().grid(grid).build().grpcHost()).isEqualTo("127.0.0.1");
  }
}
