package dev.gridqueue.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.ignite.Ignite;
import org.junit.jupiter.api.Test;

/**
 * {@code --ignite-config FILE.xml}: a node starts from an operator's Spring XML configuration,
 * merged with what gridqueue needs (see {@link IgniteConfigFactory#create}).
 */
class SpringXmlConfigurationIT {
  private static final String HEADER =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <beans xmlns="http://www.springframework.org/schema/beans"
             xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
             xsi:schemaLocation="http://www.springframework.org/schema/beans
               http://www.springframework.org/schema/beans/spring-beans.xsd">
        <bean class="org.apache.ignite.configuration.IgniteConfiguration">
      """;
  private static final String FOOTER = "  </bean>\n</beans>\n";

  private final Path dir = Path.of("target", "spring-xml-it", UUID.randomUUID().toString());

  @Test
  void shouldStartFromTheFileWithItsDiscoveryCachesAndAttributesBesideGridqueues()
      throws Exception {
    // given: a file whose discovery listens on a port only the file names
    int filePort = FreePorts.findRange(10);
    Path xml =
        write(
            """
                <property name="discoverySpi">
                  <bean class="org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi">
                    <property name="localPort" value="%d"/>
                    <property name="localPortRange" value="5"/>
                    <property name="ipFinder">
                      <bean class="org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder">
                        <property name="addresses"><list><value>127.0.0.1:%d</value></list></property>
                      </bean>
                    </property>
                  </bean>
                </property>
                <property name="userAttributes"><map><entry key="rack" value="r1"/></map></property>
                <property name="cacheConfiguration">
                  <list>
                    <bean class="org.apache.ignite.configuration.CacheConfiguration">
                      <property name="name" value="operator-cache"/>
                    </bean>
                  </list>
                </property>
            """
                .formatted(filePort, filePort));
    GridOptions fromFile =
        options("xml")
            .discoveryPort(FreePorts.findRange(10), 9) // not used: the file sets discovery
            .userAttributes(java.util.Map.of("gq.role", "server"))
            .igniteConfig(xml)
            .build();

    // when: a second node (gridqueue's own configuration) looks for the grid at the file's port
    try (Ignite first = GridNodes.start(fromFile);
        Ignite second =
            GridNodes.start(
                options("plain")
                    .discoveryPort(FreePorts.findRange(10), 9)
                    .seedAddresses(List.of("127.0.0.1:" + filePort))
                    .build())) {

      // then
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(second.cluster().nodes()).hasSize(2));
      assertThat(first.cacheNames()).contains("operator-cache", CacheNames.BATCHES);
      assertThat(first.cluster().localNode().<String>attribute("rack")).isEqualTo("r1");
      assertThat(first.cluster().localNode().<String>attribute("gq.role")).isEqualTo("server");
      assertThat(first.configuration().getIgniteInstanceName()).isEqualTo(fromFile.instanceName());
      assertThat(first.configuration().getClientConnectorConfiguration()).isNull();
    }
  }

  @Test
  void shouldRefuseACacheNamedLikeOneOfGridqueues() throws Exception {
    Path xml =
        write(
            """
                <property name="cacheConfiguration">
                  <list>
                    <bean class="org.apache.ignite.configuration.CacheConfiguration">
                      <property name="name" value="%s"/>
                    </bean>
                  </list>
                </property>
            """
                .formatted(CacheNames.SESSIONS));
    assertThatThrownBy(() -> IgniteConfigFactory.create(options("clash").igniteConfig(xml).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cache " + CacheNames.SESSIONS + " is gridqueue's");
  }

  @Test
  void shouldNameTheFileWhenItIsMissingOrNotIgniteConfiguration() throws Exception {
    Path missing = dir.resolve("missing.xml");
    assertThatThrownBy(
            () -> IgniteConfigFactory.create(options("none").igniteConfig(missing).build()))
        .hasMessage("Ignite configuration " + missing + ": no such file");
    Path broken = write("<property name=\"noSuchProperty\" value=\"1\"/>");
    assertThatThrownBy(
            () -> IgniteConfigFactory.create(options("broken").igniteConfig(broken).build()))
        .hasMessageStartingWith("Ignite configuration " + broken + ": ")
        .hasMessageContaining("noSuchProperty");
  }

  private GridOptions.Builder options(String name) {
    return GridOptions.newBuilder()
        .instanceName(name + "-" + UUID.randomUUID())
        .communicationPort(FreePorts.findRange(10), 9)
        .workDirectory(dir.toAbsolutePath())
        .dataRegionMaxBytes(64L << 20);
  }

  private Path write(String properties) throws Exception {
    Files.createDirectories(dir);
    return Files.writeString(
        dir.resolve(UUID.randomUUID() + ".xml"),
        HEADER.stripTrailing() + "\n" + properties + FOOTER);
  }
}
