package dev.gridqueue.worker.internal;

import dev.gridqueue.proto.v1.ResourceUsage;

/**
 * A command task went past the memory or disk its batch was allocated while its category offers
 * more: the batch stops, writes nothing, and runs again with the category's maximum.
 */
public final class AllocationExceededException extends RuntimeException {
  private final transient ResourceUsage usage;

  AllocationExceededException(String why, ResourceUsage usage) {
    super(why, null, false, false);
    this.usage = usage;
  }

  /** What the task used until it was stopped. */
  public ResourceUsage usage() {
    return usage;
  }
}
