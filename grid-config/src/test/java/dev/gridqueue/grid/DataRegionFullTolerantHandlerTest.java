package dev.gridqueue.grid;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.ignite.IgniteCheckedException;
import org.apache.ignite.failure.FailureContext;
import org.apache.ignite.failure.FailureType;
import org.apache.ignite.internal.mem.IgniteOutOfMemoryException;
import org.junit.jupiter.api.Test;

/** A full data region (request-driven) is logged, not answered by halting the JVM. */
class DataRegionFullTolerantHandlerTest {
  @Test
  void shouldKeepTheNodeWhenTheDataRegionIsFull() {
    // given what Ignite reports when a page cannot be allocated, directly or on a backup update
    FailureContext direct =
        new FailureContext(
            FailureType.CRITICAL_ERROR, new IgniteOutOfMemoryException("Out of memory in region"));
    FailureContext onBackup =
        new FailureContext(
            FailureType.CRITICAL_ERROR,
            new IgniteCheckedException(
                "Failed to update key on backup node", new IgniteOutOfMemoryException("full")));

    // when / then: the node is not invalidated (and this JVM is still here to assert it)
    assertThat(new DataRegionFullTolerantHandler().onFailure(null, direct)).isFalse();
    assertThat(new DataRegionFullTolerantHandler().onFailure(null, onBackup)).isFalse();
  }

  @Test
  void shouldBeTheHandlerOfEveryNode() {
    GridOptions options = LocalGridPorts.allocate().options("handler-test").build();

    assertThat(IgniteConfigFactory.create(options).getFailureHandler())
        .isInstanceOf(DataRegionFullTolerantHandler.class);
  }
}
