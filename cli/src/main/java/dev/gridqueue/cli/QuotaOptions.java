package dev.gridqueue.cli;

import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.server.GridServerOptions;
import dev.gridqueue.shareddata.SharedDataLimits;
import picocli.CommandLine.Option;

/** A server's quotas (README, "Limits and quotas"): what one session and the server may hold. */
final class QuotaOptions {
  @Option(
      names = "--queued-mb-per-session",
      description =
          "MiB of batches one session may have in the grid through this server: queued, running, "
              + "or results not yet acknowledged (default: ${DEFAULT-VALUE}).")
  long queuedMbPerSession = ContractLimits.QUEUED_BYTES_PER_SESSION_DEFAULT >> 20;

  @Option(
      names = "--queued-mb-per-server",
      description =
          "MiB of batches all sessions may have through this server (default: half of --data-region-mb).")
  long queuedMbPerServer;

  @Option(
      names = "--shared-data-mb-per-session",
      description =
          "MiB of live shared-data levels one session may hold (default: ${DEFAULT-VALUE}).")
  long sharedDataMbPerSession = ContractLimits.SHARED_DATA_BYTES_PER_SESSION_DEFAULT >> 20;

  void applyTo(GridServerOptions.Builder options) {
    options.queuedBytesPerSession(queuedMbPerSession << 20);
    if (queuedMbPerServer > 0) {
      options.queuedBytesPerServer(queuedMbPerServer << 20);
    }
    options.sharedDataLimits(
        SharedDataLimits.newBuilder().maxBytesPerSession(sharedDataMbPerSession << 20).build());
  }
}
