package dev.gridqueue.worker.apps;

import dev.gridqueue.worker.api.TaskContext;
import dev.gridqueue.worker.api.TaskHandler;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * App "shared-digest": answers each task with {@code "<level> <size> <crc32>"} of the shared data
 * its batch reads (decoded once per worker and level). For checking that workers see the level a
 * batch asked for, and for measuring shared-data reads.
 */
public final class SharedDigestHandler implements TaskHandler {
  public static final String APP_ID = "shared-digest";

  @Override
  public String appId() {
    return APP_ID;
  }

  @Override
  public byte[] handle(TaskContext context, byte[] payload) {
    String digest = context.sharedObject(SharedDigestHandler::digest);
    return (context.sharedDataLevel() + " " + digest).getBytes(StandardCharsets.US_ASCII);
  }

  /** {@code "<size> <crc32>"} of {@code data}. */
  public static String digest(byte[] data) {
    CRC32 crc = new CRC32();
    crc.update(data);
    return data.length + " " + Long.toHexString(crc.getValue());
  }
}
