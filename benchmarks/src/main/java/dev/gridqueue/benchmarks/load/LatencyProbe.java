package dev.gridqueue.benchmarks.load;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import java.time.Duration;
import java.util.Arrays;

/** Round trip of one no-op task at a time (submit, flush, take): the latency at low load. */
final class LatencyProbe {
  private final GridQueueClient client;
  private final String appId;

  LatencyProbe(GridQueueClient client, String appId) {
    this.client = client;
    this.appId = appId;
  }

  /** Round-trip times in nanoseconds, sorted, after {@code warmup} unrecorded round trips. */
  long[] measure(int warmup, int samples) throws Exception {
    byte[] payload = new byte[100];
    long[] nanos = new long[samples];
    try (TaskSession session =
        client.openSession(SessionOptions.forApp(appId).batchSize(1).build())) {
      for (int i = 0; i < warmup + samples; i++) {
        long start = System.nanoTime();
        session.submit(Integer.toString(i), payload);
        TaskResult r = session.poll(Duration.ofSeconds(10));
        if (r == null) {
          throw new IllegalStateException("no result within 10 s");
        }
        if (i >= warmup) {
          nanos[i - warmup] = System.nanoTime() - start;
        }
      }
    }
    Arrays.sort(nanos);
    return nanos;
  }

  static double percentileMicros(long[] sorted, double p) {
    int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e3;
  }
}
