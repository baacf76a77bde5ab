package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.proto.v1.Resources;

/** Converts between the wire's {@code Resources} and the grid's {@link ResourceAmounts}. */
public final class WireResources {
  private WireResources() {}

  public static ResourceAmounts of(Resources r) {
    return new ResourceAmounts(r.getCores(), r.getMemoryMb(), r.getDiskMb(), r.getGpus());
  }

  public static Resources toWire(ResourceAmounts r) {
    return Resources.newBuilder()
        .setCores(r.cores())
        .setMemoryMb(r.memoryMb())
        .setDiskMb(r.diskMb())
        .setGpus(r.gpus())
        .build();
  }
}
