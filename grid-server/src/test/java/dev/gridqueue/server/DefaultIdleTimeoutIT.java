package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.proto.v1.QueueGrpc;
import dev.gridqueue.proto.v1.QueueGrpc.QueueBlockingStub;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A session that sets no idle_timeout is closed after the server's default idle time without a
 * client; one that sets zero is kept.
 */
class DefaultIdleTimeoutIT {
  @RegisterExtension
  static EmbeddedGrid grid = new EmbeddedGrid().sessionIdleTimeout(Duration.ofSeconds(2));

  @Test
  void shouldCloseAbandonedSessionsAfterTheServersDefaultUnlessTheySayNever() {
    // given: two sessions created and never streamed to (their client was killed, say)
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    QueueBlockingStub raw = QueueGrpc.newBlockingStub(grid.newChannel());
    String abandoned = raw.createSession(SessionOptions.forApp("echo").build().toRequest()).getId();
    String never =
        raw.createSession(
                SessionOptions.forApp("echo").idleTimeout(Duration.ZERO).build().toRequest())
            .getId();

    // then
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> client.stats(abandoned))
                    .hasMessageContaining("NOT_FOUND"));
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(6))
        .untilAsserted(() -> assertThat(client.stats(never)).isNotNull()); // NOT_FOUND would throw
  }
}
