package dev.gridqueue.client;

import dev.gridqueue.client.internal.ChunkFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Work Queue's abstractions over the grid: {@code map} (a function over a sequence), {@code pair}
 * (a function over every pair of two sequences) and {@code treeReduce} (an associative function
 * folding a sequence in a tree of chunks). The function is the app of the session: a handler on the
 * workers that reads chunks (worker-api's {@code ChunkHandler}, or the chunk format of
 * docs/abstractions.md in another language). Items travel {@code chunkSize} to a task; results come
 * back in input order.
 *
 * <pre>{@code
 * try (TaskSession s = client.openSession(SessionOptions.forApp("wordcount").build())) {
 *   GridAbstractions grid = GridAbstractions.over(s);
 *   List<byte[]> counts = grid.map(lines, 50);             // one task per 50 lines
 *   byte[] total = grid.treeReduce(counts, 8);              // 8 partial counts per task
 * }
 * }</pre>
 *
 * <p>The session is this object's while a call runs: its task ids start with {@code gqa-}, and
 * results of other tasks that arrive meanwhile are dropped. Calls run one at a time. A failed item
 * or chunk ends the call with a {@link GridAbstractionException} naming it, after cancelling the
 * call's chunks that have not started.
 */
public final class GridAbstractions {
  private static final String ID_PREFIX = "gqa-";

  private final TaskSession session;
  private final Duration timeout;
  private int calls;

  private GridAbstractions(TaskSession session, Duration timeout) {
    this.session = Objects.requireNonNull(session, "session");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** The abstractions on a session; each call waits up to 30 minutes for its chunks. */
  public static GridAbstractions over(TaskSession session) {
    return new GridAbstractions(session, ContractLimits.ABSTRACTION_TIMEOUT_DEFAULT);
  }

  /** The same session, each call waiting up to {@code timeout} for its chunks. */
  public GridAbstractions withTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    return new GridAbstractions(session, timeout);
  }

  /** The app's map of each input, in input order, {@code chunkSize} inputs to a task. */
  public List<byte[]> map(List<byte[]> inputs, int chunkSize) throws InterruptedException {
    return map(inputs, Codec.bytes(), Codec.bytes(), chunkSize);
  }

  /** As {@link #map(List, int)}, with the caller's types. */
  public synchronized <T, R> List<R> map(
      List<T> inputs, Codec<? super T> in, Codec<R> out, int chunkSize)
      throws InterruptedException {
    requireChunkSize(chunkSize, 1);
    List<byte[]> items = encodeAll(inputs, in, "inputs");
    Call call =
        new Call("map", ChunkFormat.MAP, items.size(), chunkSize) {
          @Override
          List<byte[]> frames(int item) {
            return List.of(items.get(item));
          }

          @Override
          String itemName(int item) {
            return "item " + item;
          }
        };
    return decodeAll(call.run(), out);
  }

  /**
   * The app's pair of every (left, right), in Work Queue's order: row-major, {@code left.get(i)}
   * with {@code right.get(j)} at index {@code i * right.size() + j}; {@code chunkSize} pairs to a
   * task.
   */
  public List<byte[]> pair(List<byte[]> left, List<byte[]> right, int chunkSize)
      throws InterruptedException {
    return pair(left, right, Codec.bytes(), Codec.bytes(), Codec.bytes(), chunkSize);
  }

  /** As {@link #pair(List, List, int)}, with the caller's types. */
  public synchronized <A, B, R> List<R> pair(
      List<A> left,
      List<B> right,
      Codec<? super A> leftCodec,
      Codec<? super B> rightCodec,
      Codec<R> out,
      int chunkSize)
      throws InterruptedException {
    requireChunkSize(chunkSize, 1);
    List<byte[]> rows = encodeAll(left, leftCodec, "left");
    List<byte[]> columns = encodeAll(right, rightCodec, "right");
    long pairs = (long) rows.size() * columns.size();
    if (pairs > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "left.size() * right.size() must be at most " + Integer.MAX_VALUE + ", was " + pairs);
    }
    int width = columns.size();
    Call call =
        new Call("pair", ChunkFormat.PAIR, (int) pairs, chunkSize) {
          @Override
          List<byte[]> frames(int item) {
            return List.of(rows.get(item / width), columns.get(item % width));
          }

          @Override
          String itemName(int item) {
            return "pair (" + item / width + ", " + item % width + ")";
          }
        };
    return decodeAll(call.run(), out);
  }

  /**
   * Folds the inputs with the app's reduce: chunks of {@code chunkSize} become one item each, level
   * after level, until one is left. The reduce must be associative for the result not to depend on
   * the chunk size. One input is returned as it is.
   */
  public byte[] treeReduce(List<byte[]> inputs, int chunkSize) throws InterruptedException {
    return treeReduce(inputs, Codec.bytes(), chunkSize);
  }

  /** As {@link #treeReduce(List, int)}, with the caller's type. */
  public synchronized <T> T treeReduce(List<T> inputs, Codec<T> codec, int chunkSize)
      throws InterruptedException {
    requireChunkSize(chunkSize, 2);
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException(
          "inputs must not be empty: a reduce of nothing has no value");
    }
    List<byte[]> level = encodeAll(inputs, codec, "inputs");
    for (int depth = 0; level.size() > 1; depth++) {
      List<byte[]> items = level;
      int levelNo = depth;
      Call call =
          new Call("treeReduce", ChunkFormat.REDUCE, items.size(), chunkSize) {
            @Override
            List<byte[]> frames(int item) {
              return List.of(items.get(item));
            }

            @Override
            String itemName(int item) {
              return "item " + item + " of level " + levelNo;
            }

            @Override
            String chunkName(int chunk) {
              return super.chunkName(chunk) + " of level " + levelNo;
            }
          };
      level = call.run();
    }
    return codec.decode(level.get(0));
  }

  private static void requireChunkSize(int chunkSize, int min) {
    if (chunkSize < min) {
      throw new IllegalArgumentException(
          "chunkSize must be at least " + min + ", was " + chunkSize);
    }
  }

  private static <T> List<byte[]> encodeAll(List<T> values, Codec<? super T> codec, String name) {
    List<byte[]> items = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      byte[] bytes = codec.encode(values.get(i));
      if (bytes == null) {
        throw new IllegalArgumentException(name + "[" + i + "] encodes to null");
      }
      items.add(bytes);
    }
    return items;
  }

  private static <R> List<R> decodeAll(List<byte[]> outputs, Codec<R> codec) {
    List<R> values = new ArrayList<>(outputs.size());
    for (byte[] output : outputs) {
      values.add(codec.decode(output));
    }
    return values;
  }

  /**
   * One call: its items cut into chunks, one task each, sent in batches below the batch limit; then
   * each chunk's entries put back at its items' places (reduce: one output per chunk).
   */
  private abstract class Call {
    private final String operation;
    private final byte kind;
    private final int items;
    private final int chunkSize;
    private final int chunks;
    private final String idPrefix;

    Call(String operation, byte kind, int items, int chunkSize) {
      this.operation = operation;
      this.kind = kind;
      this.items = items;
      this.chunkSize = chunkSize;
      this.chunks = (int) ((items + (long) chunkSize - 1) / chunkSize);
      this.idPrefix = ID_PREFIX + operation.charAt(0) + (++calls) + "-";
    }

    /** The frames of one item (pair: its left and right items). */
    abstract List<byte[]> frames(int item);

    abstract String itemName(int item);

    String chunkName(int chunk) {
      return "chunk " + chunk + " (items " + first(chunk) + ".." + (end(chunk) - 1) + ")";
    }

    private int first(int chunk) {
      return chunk * chunkSize;
    }

    private int end(int chunk) {
      return (int) Math.min(items, (long) first(chunk) + chunkSize);
    }

    List<byte[]> run() throws InterruptedException {
      Map<String, Integer> pending = new HashMap<>();
      long unsent = 0;
      for (int c = 0; c < chunks; c++) {
        List<byte[]> frames = new ArrayList<>();
        for (int i = first(c); i < end(c); i++) {
          frames.addAll(frames(i));
        }
        long size = ChunkFormat.size(frames);
        if (size > ContractLimits.ABSTRACTION_CHUNK_MAX_BYTES) {
          throw new IllegalArgumentException(
              operation
                  + ": "
                  + chunkName(c)
                  + " takes "
                  + size
                  + " bytes, above the limit of "
                  + ContractLimits.ABSTRACTION_CHUNK_MAX_BYTES
                  + ": use a smaller chunkSize");
        }
        if (unsent + size > ContractLimits.ABSTRACTION_CHUNK_MAX_BYTES) {
          session.flush();
          unsent = 0;
        }
        String id = idPrefix + c;
        session.submit(id, ChunkFormat.chunk(kind, frames));
        unsent += size;
        pending.put(id, c);
      }
      session.flush();
      return collect(pending);
    }

    private List<byte[]> collect(Map<String, Integer> pending) throws InterruptedException {
      byte[][] outputs = new byte[kind == ChunkFormat.REDUCE ? chunks : items][];
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!pending.isEmpty()) {
        long left = deadline - System.nanoTime();
        TaskResult r = left > 0 ? session.poll(Duration.ofNanos(left)) : null;
        if (r == null) {
          List<Integer> missing = pending.values().stream().sorted().limit(10).toList();
          throw fail(
              -1,
              -1,
              pending.size()
                  + " of "
                  + chunks
                  + " chunks did not end "
                  + (left > 0 ? "before the session ended" : "within " + timeout)
                  + ", chunks "
                  + missing
                  + (pending.size() > missing.size() ? "..." : ""),
              pending);
        }
        Integer chunk = pending.remove(r.taskId());
        if (chunk == null) {
          continue; // a task of an earlier call or of the caller: not ours to hand out
        }
        if (!r.succeeded()) {
          String how = r.isDeadLetter() ? "ended as a dead letter: " : "failed: ";
          throw fail(chunk, -1, chunkName(chunk) + " " + how + r.error(), pending);
        }
        List<ChunkFormat.Entry> entries;
        try {
          entries = ChunkFormat.result(r.payload());
        } catch (IllegalArgumentException e) {
          throw fail(chunk, -1, chunkName(chunk) + " answered " + e.getMessage(), pending);
        }
        int expected = kind == ChunkFormat.REDUCE ? 1 : end(chunk) - first(chunk);
        if (entries.size() != expected) {
          throw fail(
              chunk,
              -1,
              chunkName(chunk) + " answered " + entries.size() + " entries, not " + expected,
              pending);
        }
        for (int e = 0; e < entries.size(); e++) {
          ChunkFormat.Entry entry = entries.get(e);
          int item = kind == ChunkFormat.REDUCE ? -1 : first(chunk) + e;
          if (entry.error() != null) {
            String what = item < 0 ? chunkName(chunk) : itemName(item) + " in " + chunkName(chunk);
            throw fail(chunk, item, what + " failed: " + entry.error(), pending);
          }
          outputs[item < 0 ? chunk : item] = entry.output();
        }
      }
      return Arrays.asList(outputs);
    }

    /** Cancels the call's chunks not ended yet (best effort) and names what failed. */
    private GridAbstractionException fail(
        int chunk, int item, String what, Map<String, Integer> pending) {
      if (!pending.isEmpty()) {
        try {
          session.cancel(pending.keySet(), List.of());
        } catch (RuntimeException e) {
          // the failure is the news; a cancel that cannot be sent changes nothing for the caller
        }
      }
      String app = session.session().getApp().getId();
      return new GridAbstractionException(
          operation, chunk, item, operation + " of app " + app + ": " + what);
    }
  }
}
