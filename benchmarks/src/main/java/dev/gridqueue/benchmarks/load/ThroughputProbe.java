package dev.gridqueue.benchmarks.load;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop throughput of no-op tasks: one producer keeps at most {@code window} tasks
 * outstanding, one consumer counts results; the rate is results per second over the measured
 * interval, after a warm-up interval on the same stream.
 */
final class ThroughputProbe {
  private final GridQueueClient client;
  private final String appId;
  private final Integer maxInflightPerWorker;

  ThroughputProbe(GridQueueClient client, String appId, Integer maxInflightPerWorker) {
    this.client = client;
    this.appId = appId;
    this.maxInflightPerWorker = maxInflightPerWorker;
  }

  /** Tasks per second for tasks of {@code payloadBytes} sent in batches of {@code batchSize}. */
  double measure(int batchSize, int payloadBytes, Duration warmup, Duration measured)
      throws Exception {
    int window = Math.max(batchSize * 64, 2_000);
    byte[] payload = new byte[payloadBytes];
    Semaphore outstanding = new Semaphore(window);
    AtomicLong received = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    SessionOptions.Builder options = SessionOptions.forApp(appId).batchSize(batchSize);
    if (maxInflightPerWorker != null) {
      options.maxInflightBatchesPerWorker(maxInflightPerWorker);
    }
    try (TaskSession session = client.openSession(options.build())) {
      Thread producer =
          new Thread(
              () -> {
                long id = 0;
                try {
                  while (!stop.get()) {
                    if (!outstanding.tryAcquire(batchSize, 100, TimeUnit.MILLISECONDS)) {
                      continue;
                    }
                    for (int i = 0; i < batchSize; i++) {
                      session.submit(Long.toString(id++), payload);
                    }
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                  if (!stop.get()) {
                    throw e;
                  }
                }
              },
              "bench-producer");
      producer.setDaemon(true);
      producer.start();
      long warmupEnd = System.nanoTime() + warmup.toNanos();
      long countedFrom = -1;
      long start = 0;
      long end = warmupEnd + measured.toNanos();
      while (true) {
        TaskResult r = session.poll(Duration.ofSeconds(10));
        if (r == null) {
          throw new IllegalStateException("no result for 10 s at batch size " + batchSize);
        }
        outstanding.release();
        long now = System.nanoTime();
        if (countedFrom < 0 && now >= warmupEnd) {
          countedFrom = received.get();
          start = now;
        }
        received.incrementAndGet();
        if (now >= end) {
          break;
        }
      }
      stop.set(true);
      long counted = received.get() - countedFrom;
      return counted / ((System.nanoTime() - start) / 1e9);
    }
  }
}
