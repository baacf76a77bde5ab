package dev.gridqueue.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.scheduler.internal.WorkerLoad.Binding;
import org.junit.jupiter.api.Test;

/** {@link WorkerLoad}: what its held batches commit, and who holds it whole. */
class WorkerLoadTest {
  private final WorkerLoad worker =
      new WorkerLoad(Fixtures.jvmWorker("w1", "echo", new ResourceAmounts(4, 1024, 0, 1)));

  @Test
  void shouldCommitWhatHeldBatchesDeclareAndFreeItOnRelease() {
    // given
    Binding b = worker.bind("s", 1, 0);

    // when
    worker.hold("s/1", Fixtures.cores(1), b);
    worker.hold("s/2", new ResourceAmounts(2, 512, 0, 1), b);
    worker.release("s/1");

    // then
    assertThat(worker.committed()).isEqualTo(new ResourceAmounts(2, 512, 0, 1));
    assertThat(b.held()).isEqualTo(1);
    assertThat(worker.heldKeys()).containsExactly("s/2");
  }

  @Test
  void shouldBeHeldWholeWhileABatchThatDeclaresNothingIsHeld() {
    // given
    Binding b = worker.bind("s", 1, 0);

    // when
    worker.hold("s/1", null, b);

    // then
    assertThat(worker.wholeWorkerSession()).isEqualTo("s");
    assertThat(worker.committed().isNone()).isTrue();
    assertThat(worker.committedForStats()).isEqualTo(worker.descriptor.resources());

    // when
    Binding released = worker.release("s/1");

    // then
    assertThat(released).isSameAs(b);
    assertThat(worker.wholeWorkerSession()).isNull();
  }

  @Test
  void shouldReleaseNothingItDoesNotHold() {
    assertThat(worker.release("nope")).isNull();
  }

  @Test
  void shouldListOnlyTheSessionsItServesNotThoseDraining() {
    // given
    worker.bind("a", 1, 0);
    worker.bind("b", 2, 0).drain("c");
    worker.bind("c", 3, 0);

    // when / then
    assertThat(worker.activeSessions()).containsExactly("a", "c");
    assertThat(worker.boundToOtherThan("a")).isTrue();
    assertThat(worker.binding("b").beneficiary()).isEqualTo("c");
  }
}
