package dev.gridqueue.client;

import java.util.OptionalInt;

/**
 * A map, pair or tree reduce of {@link GridAbstractions} that did not complete: an item failed in
 * its handler, a whole chunk failed (dead letter, handler error, an app that does not implement the
 * operation), or the call ran out of time. The message names the operation, the app, the chunk and
 * its items, and the failed item when there is one.
 */
public final class GridAbstractionException extends RuntimeException {
  private final String operation;
  private final int chunk;
  private final int item;

  GridAbstractionException(String operation, int chunk, int item, String message) {
    super(message);
    this.operation = operation;
    this.chunk = chunk;
    this.item = item;
  }

  /** "map", "pair" or "treeReduce". */
  public String operation() {
    return operation;
  }

  /** The chunk that failed, counted from 0 in its call (tree reduce: in its level); -1 if none. */
  public int chunk() {
    return chunk;
  }

  /**
   * The failed item's index in the call's input (pair: in the row-major list of pairs, {@code i *
   * right.size() + j}), if a single item failed.
   */
  public OptionalInt item() {
    return item < 0 ? OptionalInt.empty() : OptionalInt.of(item);
  }
}
