package dev.gridqueue.worker.api;

import java.util.ArrayList;
import java.util.List;

/**
 * A handler for the client's map, pair and tree-reduce abstractions: it decodes the task's chunk
 * ({@link Chunks}), calls {@link #map}, {@link #pair} or {@link #reduce}, and encodes the result.
 * An item whose call throws fails alone: its message goes back in the result's entry for that item
 * and the chunk's other items go on, so the client can name the item. A payload that is not a
 * chunk, or a kind the app does not implement, fails the whole task.
 *
 * <p>Override the operations the app supports; the others fail with a message naming the app.
 */
public abstract class ChunkHandler implements TaskHandler {

  /** The output of one map item. */
  protected byte[] map(TaskContext context, byte[] item) throws Exception {
    throw new UnsupportedOperationException("app " + appId() + " does not implement map");
  }

  /** The output of one pair (an item of the first sequence, one of the second). */
  protected byte[] pair(TaskContext context, byte[] left, byte[] right) throws Exception {
    throw new UnsupportedOperationException("app " + appId() + " does not implement pair");
  }

  /**
   * Combines a chunk of items into one; must be associative for the tree's result not to depend on
   * the chunk size.
   */
  protected byte[] reduce(TaskContext context, List<byte[]> items) throws Exception {
    throw new UnsupportedOperationException("app " + appId() + " does not implement reduce");
  }

  @Override
  public final byte[] handle(TaskContext context, byte[] payload) throws Exception {
    Chunks.Chunk chunk = Chunks.decodeChunk(payload);
    List<byte[]> items = chunk.items();
    List<Chunks.Entry> entries = new ArrayList<>(chunk.count());
    switch (chunk.kind()) {
      case MAP -> {
        for (byte[] item : items) {
          entries.add(run(() -> map(context, item)));
        }
      }
      case PAIR -> {
        for (int i = 0; i < items.size(); i += 2) {
          byte[] left = items.get(i);
          byte[] right = items.get(i + 1);
          entries.add(run(() -> pair(context, left, right)));
        }
      }
      case REDUCE -> entries.add(run(() -> reduce(context, items)));
    }
    return Chunks.encodeResult(entries);
  }

  private interface Call {
    byte[] get() throws Exception;
  }

  private static Chunks.Entry run(Call call) throws InterruptedException {
    try {
      return Chunks.Entry.ok(call.get());
    } catch (InterruptedException | UnsupportedOperationException e) {
      // a stopped task stops here; an operation the app lacks fails the whole chunk
      throw e;
    } catch (Exception e) {
      return Chunks.Entry.failed(e.getClass().getName() + ": " + e.getMessage());
    }
  }
}
