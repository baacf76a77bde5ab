package dev.gridqueue.worker.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** What a handler's own unit tests rely on: contexts built without a worker. */
class TaskContextTest {
  @Test
  void shouldTellATaskWithoutSharedDataSoWhenAsked() {
    // given
    TaskContext context = new TaskContext("s1", "t7", 2);

    // when / then
    assertThat(context.sessionId()).isEqualTo("s1");
    assertThat(context.taskId()).isEqualTo("t7");
    assertThat(context.attempt()).isEqualTo(2);
    assertThat(context.hasSharedData()).isFalse();
    assertThatThrownBy(context::sharedData)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the batch of task t7 does not use shared data");
  }

  @Test
  void shouldDecodeFixedSharedDataOncePerDecoder() {
    // given
    AtomicInteger decodes = new AtomicInteger();
    Function<byte[], String> decoder =
        bytes -> {
          decodes.incrementAndGet();
          return new String(bytes, StandardCharsets.UTF_8);
        };
    SharedData shared = SharedData.of(3, "weights".getBytes(StandardCharsets.UTF_8));
    TaskContext first = new TaskContext("s1", "a", 1, shared);
    TaskContext second = new TaskContext("s1", "b", 1, shared);

    // when
    String one = first.sharedObject(decoder);
    String two = second.sharedObject(decoder);

    // then
    assertThat(one).isEqualTo("weights").isSameAs(two);
    assertThat(decodes).hasValue(1);
    assertThat(first.sharedDataLevel()).isEqualTo(3);
    assertThat(second.sharedData()).asString(StandardCharsets.UTF_8).isEqualTo("weights");
  }
}
