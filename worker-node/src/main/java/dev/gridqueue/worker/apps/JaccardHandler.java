package dev.gridqueue.worker.apps;

import dev.gridqueue.worker.api.ChunkHandler;
import dev.gridqueue.worker.api.TaskContext;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * App "jaccard", for the client's pair: the Jaccard similarity of two UTF-8 texts' word sets, |A ∩
 * B| / |A ∪ B| (1 when both have no words), as an 8-byte big-endian IEEE 754 double.
 */
public final class JaccardHandler extends ChunkHandler {
  public static final String APP_ID = "jaccard";

  @Override
  public String appId() {
    return APP_ID;
  }

  @Override
  protected byte[] pair(TaskContext context, byte[] left, byte[] right) {
    Set<String> a = new HashSet<>(Words.of(left));
    Set<String> b = new HashSet<>(Words.of(right));
    Set<String> union = new HashSet<>(a);
    union.addAll(b);
    a.retainAll(b);
    double similarity = union.isEmpty() ? 1.0 : (double) a.size() / union.size();
    return ByteBuffer.allocate(Double.BYTES).putDouble(similarity).array();
  }
}
