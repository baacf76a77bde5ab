package dev.gridqueue.worker.apps;

import dev.gridqueue.worker.api.TaskContext;
import dev.gridqueue.worker.api.TaskHandler;
import java.nio.charset.StandardCharsets;

/**
 * App "sleep": sleeps for the number of milliseconds in the payload (ASCII), then returns the
 * payload. Tasks of known length, for fault-tolerance tests and demos (kill a worker mid-batch).
 */
public final class SleepHandler implements TaskHandler {
  public static final String APP_ID = "sleep";
  private static final long MAX_MILLIS = 3_600_000;

  @Override
  public String appId() {
    return APP_ID;
  }

  @Override
  public byte[] handle(TaskContext context, byte[] payload) throws InterruptedException {
    long millis = Long.parseLong(new String(payload, StandardCharsets.US_ASCII).trim());
    if (millis < 0 || millis > MAX_MILLIS) {
      throw new IllegalArgumentException("millis must be between 0 and " + MAX_MILLIS);
    }
    Thread.sleep(millis);
    return payload;
  }
}
