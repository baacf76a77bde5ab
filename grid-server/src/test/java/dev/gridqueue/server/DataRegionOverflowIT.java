package dev.gridqueue.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the guard prevents, with the guard off: the data region fills. Ignite reports a critical
 * failure; its default handler halted this JVM (the test run died). Now the write fails with
 * RESOURCE_EXHAUSTED, the node stays up, and once the session is closed it serves again.
 */
class DataRegionOverflowIT {
  @RegisterExtension
  static EmbeddedGrid grid =
      new EmbeddedGrid()
          .dataRegionBytes(64L << 20)
          .configure(
              o ->
                  o.queuedBytesPerSession(1L << 40)
                      .queuedBytesPerServer(1L << 40)
                      .dataRegionWritesStopAt(2.0));

  @Test
  void shouldNotHaltWhenTheDataRegionFills() throws Exception {
    DataRegionFullIT.fillAndRecover(grid, "memory is full");
  }
}
