package dev.gridqueue.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Message;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchRunnerTest {
  private final BatchRunner runner =
      new BatchRunner(HandlerRegistry.load(Set.of(), getClass().getClassLoader()));

  @Test
  void shouldAnswerEveryTaskWithItsIdAndAttempt() throws Exception {
    // given
    Batch tasks =
        Batch.newBuilder()
            .setId("b1")
            .addMessages(task("a", "x"))
            .addMessages(task("b", "y"))
            .build();

    // when
    Batch results = Batch.parseFrom(runner.run("s1", "echo", tasks.toByteArray(), 2));

    // then
    assertThat(results.getId()).isEqualTo("b1");
    assertThat(results.getSessionId()).isEqualTo("s1");
    assertThat(results.getMessagesList()).extracting(Message::getId).containsExactly("a", "b");
    assertThat(results.getMessagesList())
        .extracting(m -> m.getPayload().toStringUtf8())
        .containsExactly("x", "y");
    assertThat(results.getMessagesList())
        .allSatisfy(
            m -> {
              assertThat(m.getAttempts()).isEqualTo(2);
              assertThat(m.getRelatedId()).isEqualTo(m.getId());
              assertThat(m.hasError()).isFalse();
            });
  }

  @Test
  void shouldTurnAFailingTaskIntoAnErrorResultWithoutFailingTheOthers() throws Exception {
    // given
    Batch tasks =
        Batch.newBuilder()
            .addMessages(task("bad", "oops"))
            .addMessages(task("good", "1 1000"))
            .build();

    // when
    Batch results = Batch.parseFrom(runner.run("s1", "pi", tasks.toByteArray(), 1));

    // then
    assertThat(results.getMessages(0).getError()).startsWith("IllegalArgumentException");
    assertThat(results.getMessages(1).hasError()).isFalse();
  }

  @Test
  void shouldReportAnAppTheWorkerDoesNotServe() throws Exception {
    Batch tasks = Batch.newBuilder().addMessages(task("t", "")).build();

    Batch results = Batch.parseFrom(runner.run("s1", "nope", tasks.toByteArray(), 1));

    assertThat(results.getMessages(0).getError()).contains("app 'nope' is not served");
  }

  @Test
  void shouldRefuseToStartWithAnAppThatHasNoHandler() {
    assertThatThrownBy(() -> HandlerRegistry.load(Set.of("missing"), getClass().getClassLoader()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no handler for app 'missing'");
  }

  private static Message task(String id, String payload) {
    return Message.newBuilder().setId(id).setPayload(ByteString.copyFromUtf8(payload)).build();
  }
}
