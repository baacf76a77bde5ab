package dev.gridqueue.worker.apps;

import dev.gridqueue.worker.api.ChunkHandler;
import dev.gridqueue.worker.api.TaskContext;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * App "wordcount", for the client's map and tree reduce: map takes UTF-8 text and returns its word
 * counts ("word TAB count" lines, sorted; words are lower-cased runs of letters and digits); reduce
 * adds word counts up. Text that is not UTF-8 fails its item.
 */
public final class WordCountHandler extends ChunkHandler {
  public static final String APP_ID = "wordcount";

  @Override
  public String appId() {
    return APP_ID;
  }

  @Override
  protected byte[] map(TaskContext context, byte[] text) {
    return Words.encodeCounts(Words.count(text));
  }

  @Override
  protected byte[] reduce(TaskContext context, List<byte[]> counts) {
    Map<String, Long> total = new TreeMap<>();
    for (byte[] c : counts) {
      Words.decodeCounts(c).forEach((w, n) -> total.merge(w, n, Long::sum));
    }
    return Words.encodeCounts(total);
  }
}
