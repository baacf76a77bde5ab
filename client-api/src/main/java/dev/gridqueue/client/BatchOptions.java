package dev.gridqueue.client;

import dev.gridqueue.proto.v1.Batch;
import dev.gridqueue.proto.v1.Resources;
import java.util.Objects;

/**
 * What the contract lets a client set per batch ({@code Batch} in queue.proto): priority within the
 * session, category, resources and max retries. A session sends the tasks submitted after {@link
 * TaskSession#useBatchOptions(BatchOptions)} in batches carrying these, so a map/reduce client
 * gives its map phase a higher batch priority than its reduce phase (ALPCRUN.CH's pattern) without
 * opening a second session. Immutable; each builder method rejects a value out of the contract's
 * range ({@link ContractLimits}) at its call site.
 *
 * <pre>{@code
 * session.useBatchOptions(BatchOptions.newBuilder().priority(1).build());   // map phase first
 * ...
 * session.useBatchOptions(BatchOptions.newBuilder().category("reduce").maxRetries(0).build());
 * }</pre>
 */
public final class BatchOptions {
  /** Nothing set: the session's attributes apply. */
  public static final BatchOptions NONE = newBuilder().build();

  private final Batch attributes;

  private BatchOptions(Batch attributes) {
    this.attributes = attributes;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** The attributes as an otherwise empty wire batch. */
  Batch attributes() {
    return attributes;
  }

  public int priority() {
    return attributes.getPriority();
  }

  public String category() {
    return attributes.getCategory();
  }

  @Override
  public String toString() {
    return "BatchOptions{" + attributes.toString().replace('\n', ' ').trim() + "}";
  }

  /** Builder of {@link BatchOptions}. */
  public static final class Builder {
    private final Batch.Builder batch = Batch.newBuilder();

    private Builder() {}

    /**
     * Order within the session: higher first, then FIFO; 0 (the default) to {@value
     * ContractLimits#BATCH_PRIORITY_MAX}. Session priority (between sessions) is a session
     * attribute.
     */
    public Builder priority(int priority) {
      if (priority < 0) {
        throw new IllegalArgumentException(
            "batch priority must be between 0 and "
                + ContractLimits.BATCH_PRIORITY_MAX
                + ", got "
                + priority);
      }
      batch.setPriority(priority);
      return this;
    }

    /**
     * Work Queue's category: the session's {@code categories} give its resources, fast abort
     * compares run times within it.
     */
    public Builder category(String category) {
      Objects.requireNonNull(category, "category");
      if (category.length() > ContractLimits.NAME_MAX_CHARS) {
        throw new IllegalArgumentException(
            "category must be at most " + ContractLimits.NAME_MAX_CHARS + " characters");
      }
      batch.setCategory(category);
      return this;
    }

    /** What each batch needs; overrides its category's and the session's (0: none of it). */
    public Builder resources(int cores, long memoryMb, long diskMb, int gpus) {
      if (cores < 0
          || cores > ContractLimits.RESOURCE_CORES_MAX
          || memoryMb < 0
          || memoryMb > ContractLimits.RESOURCE_MEMORY_MB_MAX
          || diskMb < 0
          || diskMb > ContractLimits.RESOURCE_DISK_MB_MAX
          || gpus < 0
          || gpus > ContractLimits.RESOURCE_GPUS_MAX) {
        throw new IllegalArgumentException(
            "resources must be between 0 and cores "
                + ContractLimits.RESOURCE_CORES_MAX
                + ", memoryMb "
                + ContractLimits.RESOURCE_MEMORY_MB_MAX
                + ", diskMb "
                + ContractLimits.RESOURCE_DISK_MB_MAX
                + ", gpus "
                + ContractLimits.RESOURCE_GPUS_MAX
                + "; got "
                + cores
                + ", "
                + memoryMb
                + ", "
                + diskMb
                + ", "
                + gpus);
      }
      batch.setResources(
          Resources.newBuilder()
              .setCores(cores)
              .setMemoryMb(memoryMb)
              .setDiskMb(diskMb)
              .setGpus(gpus));
      return this;
    }

    /**
     * Overrides the session's max_retries for these batches: 0 to {@value
     * ContractLimits#MAX_RETRIES_MAX}.
     */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0 || maxRetries > ContractLimits.MAX_RETRIES_MAX) {
        throw new IllegalArgumentException(
            "maxRetries must be between 0 and "
                + ContractLimits.MAX_RETRIES_MAX
                + ", got "
                + maxRetries);
      }
      batch.setMaxRetries(maxRetries);
      return this;
    }

    public BatchOptions build() {
      return new BatchOptions(batch.build());
    }
  }
}
