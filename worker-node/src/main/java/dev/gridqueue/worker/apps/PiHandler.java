package dev.gridqueue.worker.apps;

import dev.gridqueue.worker.api.TaskContext;
import dev.gridqueue.worker.api.TaskHandler;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * App "pi": one Monte Carlo sample run for an estimate of pi. Payload (ASCII): {@code "<seed>
 * <samples>"}; result (ASCII): the number of random points of the unit square that fell inside the
 * quarter circle. pi is about 4 * sum(hits) / sum(samples). Text, so any language can drive it.
 */
public final class PiHandler implements TaskHandler {
  public static final String APP_ID = "pi";
  private static final long MAX_SAMPLES = 1_000_000_000L;

  @Override
  public String appId() {
    return APP_ID;
  }

  @Override
  public byte[] handle(TaskContext context, byte[] payload) {
    String[] fields = new String(payload, StandardCharsets.US_ASCII).trim().split("\\s+");
    if (fields.length != 2) {
      throw new IllegalArgumentException("payload must be \"<seed> <samples>\"");
    }
    long seed = Long.parseLong(fields[0]);
    long samples = Long.parseLong(fields[1]);
    if (samples < 1 || samples > MAX_SAMPLES) {
      throw new IllegalArgumentException("samples must be between 1 and " + MAX_SAMPLES);
    }
    return Long.toString(countHits(seed, samples)).getBytes(StandardCharsets.US_ASCII);
  }

  static long countHits(long seed, long samples) {
    SplittableRandom random = new SplittableRandom(seed);
    long hits = 0;
    for (long i = 0; i < samples; i++) {
      double x = random.nextDouble();
      double y = random.nextDouble();
      if (x * x + y * y <= 1.0) {
        hits++;
      }
    }
    return hits;
  }

  /** The payload of one pi task. */
  public static byte[] task(long seed, long samples) {
    return (seed + " " + samples).getBytes(StandardCharsets.US_ASCII);
  }
}
