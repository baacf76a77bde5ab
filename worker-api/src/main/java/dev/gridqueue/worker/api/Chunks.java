package dev.gridqueue.worker.api;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The chunk format of the client's map, pair and tree-reduce abstractions, on the worker's side
 * (documented in docs/abstractions.md; handlers in other languages implement the same bytes). One
 * task carries one chunk; integers are unsigned 32-bit big-endian.
 *
 * <pre>
 * task payload: "GQC1", kind (1 byte: 'M' map, 'P' pair, 'R' reduce), n,
 *               n items (pair: n pairs, each its left item then its right item);
 *               an item is its length then its bytes
 * result:       "GQR1", n (map and pair: one per input item, in order; reduce: 1),
 *               n entries: status (1 byte: 0 ok, 1 failed), length, bytes (the output, or the
 *               failure's message in UTF-8)
 * </pre>
 *
 * The client-side twin lives in the client module, which cannot use this one.
 */
public final class Chunks {
  /** First bytes of a chunk. */
  public static final byte[] CHUNK_MAGIC = {'G', 'Q', 'C', '1'};

  /** First bytes of a chunk's result. */
  public static final byte[] RESULT_MAGIC = {'G', 'Q', 'R', '1'};

  /** What a chunk asks for. */
  public enum Kind {
    MAP('M'),
    PAIR('P'),
    REDUCE('R');

    private final byte code;

    Kind(char code) {
      this.code = (byte) code;
    }

    public byte code() {
      return code;
    }

    static Kind of(byte code) {
      for (Kind k : values()) {
        if (k.code == code) {
          return k;
        }
      }
      throw new IllegalArgumentException("chunk kind '" + (char) code + "' is not M, P or R");
    }
  }

  /** A decoded chunk: for PAIR, {@code items} holds left and right items alternately. */
  public record Chunk(Kind kind, List<byte[]> items) {
    /** Number of map or reduce items, or of pairs. */
    public int count() {
      return kind == Kind.PAIR ? items.size() / 2 : items.size();
    }
  }

  /** One entry of a chunk's result: an output, or the failure of its item. */
  public record Entry(byte[] output, String error) {
    public static Entry ok(byte[] output) {
      return new Entry(output, null);
    }

    public static Entry failed(String error) {
      return new Entry(null, error);
    }

    public boolean succeeded() {
      return error == null;
    }
  }

  private Chunks() {}

  /** Encodes a chunk (for PAIR, left and right items alternately). */
  public static byte[] encodeChunk(Kind kind, List<byte[]> items) {
    if (kind == Kind.PAIR && items.size() % 2 != 0) {
      throw new IllegalArgumentException("a pair chunk needs an even number of items");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(CHUNK_MAGIC);
      out.writeByte(kind.code());
      out.writeInt(kind == Kind.PAIR ? items.size() / 2 : items.size());
      for (byte[] item : items) {
        out.writeInt(item.length);
        out.write(item);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes a task payload.
   *
   * @throws IllegalArgumentException if it is not a chunk (says what is wrong)
   */
  public static Chunk decodeChunk(byte[] payload) {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload))) {
      expectMagic(in, CHUNK_MAGIC, "chunk");
      Kind kind = Kind.of(in.readByte());
      long n = Integer.toUnsignedLong(in.readInt());
      long frames = kind == Kind.PAIR ? 2 * n : n;
      List<byte[]> items = new ArrayList<>((int) Math.min(frames, 1024));
      for (long i = 0; i < frames; i++) {
        items.add(readFrame(in, payload.length));
      }
      if (in.available() > 0) {
        throw new IllegalArgumentException(in.available() + " bytes after the chunk's last item");
      }
      return new Chunk(kind, items);
    } catch (EOFException e) {
      throw new IllegalArgumentException("chunk ends before its last item");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Encodes a chunk's result. */
  public static byte[] encodeResult(List<Entry> entries) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(RESULT_MAGIC);
      out.writeInt(entries.size());
      for (Entry e : entries) {
        byte[] data = e.succeeded() ? e.output() : e.error().getBytes(StandardCharsets.UTF_8);
        out.writeByte(e.succeeded() ? 0 : 1);
        out.writeInt(data.length);
        out.write(data);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Decodes a chunk's result.
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static List<Entry> decodeResult(byte[] payload) {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload))) {
      expectMagic(in, RESULT_MAGIC, "chunk result");
      long n = Integer.toUnsignedLong(in.readInt());
      List<Entry> entries = new ArrayList<>((int) Math.min(n, 1024));
      for (long i = 0; i < n; i++) {
        byte status = in.readByte();
        byte[] data = readFrame(in, payload.length);
        entries.add(
            status == 0 ? Entry.ok(data) : Entry.failed(new String(data, StandardCharsets.UTF_8)));
      }
      return entries;
    } catch (EOFException e) {
      throw new IllegalArgumentException("chunk result ends before its last entry");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void expectMagic(DataInputStream in, byte[] magic, String what)
      throws IOException {
    byte[] head = new byte[magic.length];
    in.readFully(head);
    if (!java.util.Arrays.equals(head, magic)) {
      throw new IllegalArgumentException(
          "not a "
              + what
              + ": it does not start with "
              + new String(magic, StandardCharsets.US_ASCII));
    }
  }

  private static byte[] readFrame(DataInputStream in, int payloadLength) throws IOException {
    long length = Integer.toUnsignedLong(in.readInt());
    if (length > payloadLength) {
      throw new EOFException();
    }
    byte[] data = new byte[(int) length];
    in.readFully(data);
    return data;
  }
}
