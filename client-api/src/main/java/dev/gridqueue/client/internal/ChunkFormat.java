package dev.gridqueue.client.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The client's side of the chunk format of map, pair and tree reduce (docs/abstractions.md): it
 * writes chunks and reads their results. The worker's side is worker-api's {@code Chunks}, which
 * this module may not use (clients talk gRPC only); a test in the cli module checks that the two
 * read each other's bytes.
 */
public final class ChunkFormat {
  private static final byte[] CHUNK_MAGIC = {'G', 'Q', 'C', '1'};
  private static final byte[] RESULT_MAGIC = {'G', 'Q', 'R', '1'};

  /** Kind bytes. */
  public static final byte MAP = 'M';

  public static final byte PAIR = 'P';
  public static final byte REDUCE = 'R';

  /** A result entry: an output, or the failure message of its item. */
  public record Entry(byte[] output, String error) {}

  private ChunkFormat() {}

  /** Bytes a chunk of these items takes (pair: left and right items alternately). */
  public static long size(List<byte[]> items) {
    long size = CHUNK_MAGIC.length + 1 + Integer.BYTES;
    for (byte[] item : items) {
      size += Integer.BYTES + item.length;
    }
    return size;
  }

  /** A chunk; for {@link #PAIR}, {@code items} holds left and right items alternately. */
  public static byte[] chunk(byte kind, List<byte[]> items) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(size(items), 1 << 20));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(CHUNK_MAGIC);
      out.writeByte(kind);
      out.writeInt(kind == PAIR ? items.size() / 2 : items.size());
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
   * A chunk's result entries.
   *
   * @throws IllegalArgumentException if the payload is not a chunk result
   */
  public static List<Entry> result(byte[] payload) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
      byte[] head = new byte[RESULT_MAGIC.length];
      in.readFully(head);
      if (!Arrays.equals(head, RESULT_MAGIC)) {
        throw new IllegalArgumentException("not a chunk result: it does not start with GQR1");
      }
      long n = Integer.toUnsignedLong(in.readInt());
      List<Entry> entries = new ArrayList<>((int) Math.min(n, 1024));
      for (long i = 0; i < n; i++) {
        byte status = in.readByte();
        long length = Integer.toUnsignedLong(in.readInt());
        if (length > payload.length) {
          throw new EOFException();
        }
        byte[] data = new byte[(int) length];
        in.readFully(data);
        entries.add(
            status == 0
                ? new Entry(data, null)
                : new Entry(null, new String(data, StandardCharsets.UTF_8)));
      }
      return entries;
    } catch (EOFException e) {
      throw new IllegalArgumentException("chunk result ends before its last entry");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
