package dev.gridqueue.worker.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.gridqueue.worker.api.TaskContext;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PiHandlerTest {
  private final PiHandler pi = new PiHandler();
  private final TaskContext ctx = new TaskContext("s", "t", 1);

  @Test
  void shouldCountHitsDeterministicallyForASeed() {
    byte[] first = pi.handle(ctx, PiHandler.task(42, 100_000));
    byte[] second = pi.handle(ctx, PiHandler.task(42, 100_000));

    assertThat(first).isEqualTo(second);
    long hits = Long.parseLong(new String(first, StandardCharsets.US_ASCII));
    assertThat(4.0 * hits / 100_000).isCloseTo(Math.PI, within(0.05));
  }

  @Test
  void shouldRejectMalformedPayloads() {
    assertThatThrownBy(() -> pi.handle(ctx, "1".getBytes(StandardCharsets.US_ASCII)))
        .hasMessageContaining("<seed> <samples>");
    assertThatThrownBy(() -> pi.handle(ctx, "1 0".getBytes(StandardCharsets.US_ASCII)))
        .hasMessageContaining("samples must be between 1");
  }
}
