package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** A grid node that leaves cleanly is one INFO line on the others, and nothing louder. */
class CleanLeaveLogIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid(1);

  @Test
  void shouldLogACleanLeaveAsOneInfoLine() {
    // given: a second grid node in the same grid, and what the nodes log from then on
    GridServer second =
        GridServer.start(
            GridServerOptions.newBuilder()
                .grid(
                    grid.ports()
                        .options(grid.name() + "-second")
                        .workDirectory(grid.workDir())
                        .build())
                .grpcHost("127.0.0.1")
                .grpcPort(0)
                .build());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> grid.server().ignite().cluster().forServers().nodes().size() == 2);
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    root.addAppender(lines);
    try {
      // when
      second.close();

      // then
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> grid.server().ignite().cluster().forServers().nodes().size() == 1);
      List<ILoggingEvent> about =
          List.copyOf(lines.list).stream()
              .filter(e -> e.getFormattedMessage().contains(grid.name() + "-second"))
              .filter(e -> !e.getThreadName().contains(grid.name() + "-second"))
              .toList();
      assertThat(about)
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.getLevel()).isEqualTo(Level.INFO);
                assertThat(e.getFormattedMessage())
                    .startsWith("grid node " + grid.name() + "-second (")
                    .contains(" left; the grid has 1 grid node(s)");
              });
      assertThat(List.copyOf(lines.list))
          .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
          .extracting(ILoggingEvent::getFormattedMessage)
          .isEmpty();
    } finally {
      root.detachAppender(lines);
      second.close();
    }
  }
}
