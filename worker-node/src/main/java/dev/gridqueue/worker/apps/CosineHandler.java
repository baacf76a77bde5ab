package dev.gridqueue.worker.apps;

import dev.gridqueue.worker.api.ChunkHandler;
import dev.gridqueue.worker.api.TaskContext;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * App "cosine", for the client's pair: the cosine similarity of two UTF-8 texts' word-count vectors
 * (0 when either has no words), as an 8-byte big-endian IEEE 754 double.
 */
public final class CosineHandler extends ChunkHandler {
  public static final String APP_ID = "cosine";

  @Override
  public String appId() {
    return APP_ID;
  }

  @Override
  protected byte[] pair(TaskContext context, byte[] left, byte[] right) {
    Map<String, Long> a = Words.count(left);
    Map<String, Long> b = Words.count(right);
    double dot = 0;
    for (Map.Entry<String, Long> e : a.entrySet()) {
      dot += (double) e.getValue() * b.getOrDefault(e.getKey(), 0L);
    }
    double norms = norm(a) * norm(b);
    double similarity = norms == 0 ? 0.0 : dot / norms;
    return ByteBuffer.allocate(Double.BYTES).putDouble(similarity).array();
  }

  private static double norm(Map<String, Long> counts) {
    double sum = 0;
    for (long n : counts.values()) {
      sum += (double) n * n;
    }
    return Math.sqrt(sum);
  }
}
