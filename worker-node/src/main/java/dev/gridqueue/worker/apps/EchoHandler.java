package dev.gridqueue.worker.apps;

import dev.gridqueue.worker.api.TaskContext;
import dev.gridqueue.worker.api.TaskHandler;

/** App "echo": returns the payload unchanged. The no-op task of benchmarks and smoke tests. */
public final class EchoHandler implements TaskHandler {
  public static final String APP_ID = "echo";

  @Override
  public String appId() {
    return APP_ID;
  }

  @Override
  public byte[] handle(TaskContext context, byte[] payload) {
    return payload;
  }
}
