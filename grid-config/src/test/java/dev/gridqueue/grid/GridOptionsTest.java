package dev.gridqueue.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;
import org.junit.jupiter.api.Test;

class GridOptionsTest {
  @Test
  void shouldDefaultSeedsToTheNodesOwnDiscoveryRange() {
    GridOptions options = GridOptions.newBuilder().discoveryPort(30000, 5).build();

    assertThat(options.seedAddresses()).containsExactly("127.0.0.1:30000..30005");
  }

  @Test
  void shouldRejectBadValuesNamingThem() {
    assertThatThrownBy(() -> GridOptions.newBuilder().backups(4)).hasMessageContaining("backups");
    assertThatThrownBy(() -> GridOptions.newBuilder().discoveryPort(0, 1))
        .hasMessageContaining("discoveryPort");
    assertThatThrownBy(() -> GridOptions.newBuilder().seedAddresses(List.of(" ")))
        .hasMessageContaining("seed address");
  }

  @Test
  void shouldBuildAQuietServerConfigurationWithTheGridCaches() {
    IgniteConfiguration cfg =
        IgniteConfigFactory.create(
            GridOptions.newBuilder()
                .instanceName("n1")
                .seedAddresses(List.of("10.0.0.1:47500"))
                .build());

    assertThat(cfg.getIgniteInstanceName()).isEqualTo("n1");
    assertThat(cfg.getClientConnectorConfiguration()).isNull();
    assertThat(cfg.getConnectorConfiguration()).isNull();
    assertThat(cfg.getCacheConfiguration())
        .extracting(c -> c.getName())
        .contains(CacheNames.SESSIONS, CacheNames.BATCHES, CacheNames.SHARED_DATA)
        .containsExactlyInAnyOrderElementsOf(everyCacheName());
    TcpDiscoveryVmIpFinder finder =
        (TcpDiscoveryVmIpFinder) ((TcpDiscoverySpi) cfg.getDiscoverySpi()).getIpFinder();
    assertThat(finder.getRegisteredAddresses()).isNotEmpty();
  }

  /** Every name CacheNames declares: each is configured, and nothing else is. */
  private static List<String> everyCacheName() {
    return java.util.Arrays.stream(CacheNames.class.getDeclaredFields())
        .filter(
            f ->
                java.lang.reflect.Modifier.isStatic(f.getModifiers())
                    && f.getType() == String.class)
        .map(
            f -> {
              try {
                return (String) f.get(null);
              } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
              }
            })
        .toList();
  }
}
