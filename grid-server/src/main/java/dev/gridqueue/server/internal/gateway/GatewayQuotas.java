package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.client.ContractLimits;

/**
 * The quotas a grid node's gateway enforces: queued bytes per session and per server ({@link
 * QueuedBytes}), open streams per session ({@link SessionStreams}), and the share of the data
 * region past which client writes are refused ({@link DataRegionGuard}).
 */
public record GatewayQuotas(
    long queuedBytesPerSession,
    long queuedBytesPerServer,
    int streamsPerSession,
    double dataRegionWritesStopAt) {

  public GatewayQuotas {
    if (queuedBytesPerSession < 1
        || queuedBytesPerServer < 1
        || streamsPerSession < 1
        || !(dataRegionWritesStopAt > 0)) {
      throw new IllegalArgumentException("quotas must be positive");
    }
  }

  /** The contract's defaults, with a per-server queued-bytes quota of {@code perServer}. */
  public static GatewayQuotas defaults(long perServer) {
    return new GatewayQuotas(
        ContractLimits.QUEUED_BYTES_PER_SESSION_DEFAULT,
        perServer,
        ContractLimits.STREAMS_PER_SESSION_MAX,
        ContractLimits.DATA_REGION_WRITES_STOP_AT);
  }
}
