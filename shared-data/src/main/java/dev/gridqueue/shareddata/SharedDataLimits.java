package dev.gridqueue.shareddata;

import java.time.Duration;

/** Limits of the shared-data service. Immutable; {@link #newBuilder()} validates at once. */
public final class SharedDataLimits {
  /** ALPCRUN.CH's default maximum TTL. */
  public static final Duration DEFAULT_MAX_TTL =
      dev.gridqueue.client.ContractLimits.SHARED_DATA_MAX_TTL;

  public static final int DEFAULT_MAX_PAYLOAD_BYTES =
      dev.gridqueue.client.ContractLimits.SHARED_DATA_MAX_PAYLOAD_BYTES;
  static final int DEFAULT_CHUNK_BYTES = 1 << 20;
  public static final long DEFAULT_MAX_BYTES_PER_SESSION =
      dev.gridqueue.client.ContractLimits.SHARED_DATA_BYTES_PER_SESSION_DEFAULT;

  private final Duration maxTtl;
  private final int maxPayloadBytes;
  private final int chunkBytes;
  private final long maxBytesPerSession;

  private SharedDataLimits(Builder b) {
    this.maxBytesPerSession = b.maxBytesPerSession;
    this.maxTtl = b.maxTtl;
    this.maxPayloadBytes = b.maxPayloadBytes;
    this.chunkBytes = b.chunkBytes;
  }

  public static SharedDataLimits defaults() {
    return newBuilder().build();
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** Longest TTL a level may ask for; also the TTL of a level that asks for none. */
  public Duration maxTtl() {
    return maxTtl;
  }

  public int maxPayloadBytes() {
    return maxPayloadBytes;
  }

  /** Bytes of live levels one session may hold (its quota). */
  public long maxBytesPerSession() {
    return maxBytesPerSession;
  }

  /** Payloads are stored in chunks of this size, so no cache entry is huge. */
  public int chunkBytes() {
    return chunkBytes;
  }

  /** Builder of {@link SharedDataLimits}. */
  public static final class Builder {
    private Duration maxTtl = DEFAULT_MAX_TTL;
    private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
    private int chunkBytes = DEFAULT_CHUNK_BYTES;
    private long maxBytesPerSession = DEFAULT_MAX_BYTES_PER_SESSION;

    private Builder() {}

    public Builder maxBytesPerSession(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxBytesPerSession must be positive, got " + bytes);
      }
      this.maxBytesPerSession = bytes;
      return this;
    }

    public Builder maxTtl(Duration maxTtl) {
      if (maxTtl.isNegative() || maxTtl.isZero()) {
        throw new IllegalArgumentException("maxTtl must be positive, got " + maxTtl);
      }
      this.maxTtl = maxTtl;
      return this;
    }

    public Builder maxPayloadBytes(int bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxPayloadBytes must be positive, got " + bytes);
      }
      this.maxPayloadBytes = bytes;
      return this;
    }

    public Builder chunkBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("chunkBytes must be at least 1024, got " + bytes);
      }
      this.chunkBytes = bytes;
      return this;
    }

    public SharedDataLimits build() {
      return new SharedDataLimits(this);
    }
  }
}
