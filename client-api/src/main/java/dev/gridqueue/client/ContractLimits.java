package dev.gridqueue.client;

import java.time.Duration;

/**
 * The limits and defaults of the wire contract ({@code gridqueue/v1/queue.proto} and {@code
 * cache.proto}), in one place for the Java client and the grid servers. A value here is what the
 * contract promises: a server refuses a request outside these limits with {@code INVALID_ARGUMENT},
 * and fills in the defaults for attributes a request leaves absent.
 */
public final class ContractLimits {
  /** Lowest {@code SessionAttributes.priority}. */
  public static final int PRIORITY_MIN = 0;

  /** Highest {@code SessionAttributes.priority}. */
  public static final int PRIORITY_MAX = 10;

  /** {@code SessionAttributes.priority} of a session that sets none. */
  public static final int PRIORITY_DEFAULT = 5;

  /** Least {@code SessionAttributes.max_inflight_batches_per_worker}. */
  public static final int MAX_INFLIGHT_BATCHES_PER_WORKER_MIN = 1;

  /** Most {@code SessionAttributes.max_inflight_batches_per_worker}. */
  public static final int MAX_INFLIGHT_BATCHES_PER_WORKER_MAX = 1000;

  /** {@code SessionAttributes.max_inflight_batches_per_worker} of a session that sets none. */
  public static final int MAX_INFLIGHT_BATCHES_PER_WORKER_DEFAULT = 10;

  /** Most {@code max_retries}, of a session ({@code SessionAttributes}) or of one {@code Batch}. */
  public static final int MAX_RETRIES_MAX = 100;

  /** {@code SessionAttributes.max_retries} of a session that sets none. */
  public static final int MAX_RETRIES_DEFAULT = 3;

  /** Largest encoded task batch; larger inputs shared by many tasks belong in shared data. */
  public static final int MAX_BATCH_BYTES = 64 << 20;

  /** Most tasks one batch may carry. */
  public static final int MAX_TASKS_PER_BATCH = 100_000;

  /** Largest shared-data payload (one level) a server accepts unless configured otherwise. */
  public static final int SHARED_DATA_MAX_PAYLOAD_BYTES = 256 << 20;

  /** Room above the largest payload for the rest of a message (ids, TTL, protobuf framing). */
  public static final int MESSAGE_FRAMING_BYTES = 16 << 20;

  /**
   * gRPC's largest message, on both sides of a connection: the largest shared-data payload plus
   * framing. Task batches stay below their own, lower limit ({@link #MAX_BATCH_BYTES}).
   */
  public static final int MAX_MESSAGE_BYTES = SHARED_DATA_MAX_PAYLOAD_BYTES + MESSAGE_FRAMING_BYTES;

  /** Longest TTL of a shared-data level, and the TTL of a level that asks for none. */
  public static final Duration SHARED_DATA_MAX_TTL = Duration.ofSeconds(600);

  /**
   * How long a session whose {@code idle_timeout} is absent may stay without an attached client
   * before the grid closes it (a killed client must not leave its tasks in the grid forever); a
   * grid server may be given another ({@code server --session-idle-timeout-s}).
   */
  public static final Duration SESSION_IDLE_TIMEOUT_DEFAULT = Duration.ofHours(1);

  private ContractLimits() {}
}
