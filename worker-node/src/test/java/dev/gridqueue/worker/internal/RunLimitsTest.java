package dev.gridqueue.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.gridqueue.grid.store.CancelSet;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Cancellations, maximum task running time and fast abort, as the worker applies them. */
class RunLimitsTest {
  private final BatchRunner runner =
      new BatchRunner(HandlerRegistry.load(Set.of(), getClass().getClassLoader()));

  @Test
  void shouldSkipCancelledTasksByIdAndTagAndRunTheRest() throws Exception {
    // given
    Batch tasks =
        Batch.newBuilder()
            .addMessages(task("a", "1", ""))
            .addMessages(task("b", "1", "doomed"))
            .addMessages(task("c", "1", "kept"))
            .build();
    RunLimits limits =
        new RunLimits(() -> new CancelSet(Set.of("a"), Set.of("doomed"), false), 0, 0);

    // when
    dev.gridqueue.grid.work.RunOutcome outcome =
        runner.runCounted("s", "sleep", tasks.toByteArray(), 1, null, limits);

    // then
    assertThat(outcome.cancelled()).isEqualTo(2);
    assertThat(outcome.results())
        .extracting(Message::getError)
        .containsExactly("cancelled by the client", "cancelled by the client", "");
  }

  @Test
  void shouldStopATaskPastItsMaximumRunningTimeAndGoOnWithTheNext() throws Exception {
    // given: a 10 s task with a 100 ms limit, then a quick one
    Batch tasks =
        Batch.newBuilder()
            .addMessages(task("slow", "10000", ""))
            .addMessages(task("quick", "1", ""))
            .build();
    long started = System.nanoTime();

    // when
    dev.gridqueue.grid.work.RunOutcome outcome =
        runner.runCounted(
            "s",
            "sleep",
            tasks.toByteArray(),
            1,
            null,
            new RunLimits(() -> CancelSet.EMPTY, TimeUnit.MILLISECONDS.toNanos(100), 0));

    // then
    assertThat(outcome.results().get(0).getError()).startsWith("MAX_WALLTIME");
    assertThat(outcome.results().get(1).hasError()).isFalse();
    assertThat(outcome.failed()).isEqualTo(1);
    assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(5));
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void shouldFastAbortABatchRunningPastItsLimit() {
    Batch tasks = Batch.newBuilder().addMessages(task("slow", "10000", "")).build();

    assertThatThrownBy(
            () ->
                runner.runCounted(
                    "s",
                    "sleep",
                    tasks.toByteArray(),
                    1,
                    null,
                    new RunLimits(() -> CancelSet.EMPTY, 0, TimeUnit.MILLISECONDS.toNanos(100))))
        .isInstanceOf(FastAbortedException.class);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  private static Message task(String id, String payload, String tag) {
    return Message.newBuilder()
        .setId(id)
        .setPayload(ByteString.copyFromUtf8(payload))
        .setTag(tag)
        .build();
  }
}
