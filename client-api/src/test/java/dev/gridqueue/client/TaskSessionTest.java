package dev.gridqueue.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskSessionTest {
  @Test
  void shouldNameAResubmittedTaskAfterItsIdWithTheAttemptNumber() {
    assertThat(TaskSession.nextAttemptId("t-7")).isEqualTo("t-7~r1");
    assertThat(TaskSession.nextAttemptId("t-7~r1")).isEqualTo("t-7~r2");
    assertThat(TaskSession.nextAttemptId("t-7~r9")).isEqualTo("t-7~r10");
    assertThat(TaskSession.nextAttemptId("a~rb")).isEqualTo("a~rb~r1");
    assertThat(TaskSession.nextAttemptId("~r3")).isEqualTo("~r3~r1");
  }

  @Test
  void shouldCountADeadLetterAsNeitherSucceededNorAResult() {
    TaskResult letter = new TaskResult("t", new byte[0], "cancelled", 0, true);
    TaskResult failed = new TaskResult("t", new byte[0], "boom", 1);

    assertThat(letter.isDeadLetter()).isTrue();
    assertThat(letter.succeeded()).isFalse();
    assertThat(failed.isDeadLetter()).isFalse();
    assertThat(new TaskResult("t", new byte[0], null, 1).succeeded()).isTrue();
  }
}
