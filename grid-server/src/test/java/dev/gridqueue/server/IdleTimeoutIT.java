package dev.gridqueue.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.proto.v1.QueueGrpc;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sessions without a client past their idle_timeout are closed; attached ones are kept. */
class IdleTimeoutIT {
  @RegisterExtension static EmbeddedGrid grid = new EmbeddedGrid();

  @Test
  void shouldCloseASessionNoClientAttachedToWithinItsIdleTimeout() throws Exception {
    GridQueueClient client = new GridQueueClient(grid.newChannel());
    TaskSession attached =
        client.openSession(
            SessionOptions.forApp("echo").idleTimeout(Duration.ofSeconds(1)).build());
    String attachedId = attached.id();
    attached.submit("t", new byte[] {1}); // binds the stream to the session
    attached.flush();
    attached.awaitResults(1, Duration.ofSeconds(10));
    // a session created with a raw CreateSession and never streamed to
    String abandoned =
        QueueGrpc.newBlockingStub(grid.newChannel())
            .createSession(
                SessionOptions.forApp("echo")
                    .idleTimeout(Duration.ofSeconds(1))
                    .build()
                    .toRequest())
            .getId();

    // then: the abandoned one goes; the one with a client stream stays
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> client.stats(abandoned))
                    .hasMessageContaining("NOT_FOUND"));
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> assertThat(client.stats(attachedId)).isNotNull()); // NOT_FOUND would throw
    attached.close();
  }
}
