package dev.gridqueue.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Turns a Java value into the bytes of one item of {@link GridAbstractions} and back, so callers
 * work with their own types while handlers see bytes.
 */
public interface Codec<T> {
  byte[] encode(T value);

  T decode(byte[] bytes);

  /** A codec from two functions. */
  static <T> Codec<T> of(Function<T, byte[]> encode, Function<byte[], T> decode) {
    return new Codec<>() {
      @Override
      public byte[] encode(T value) {
        return encode.apply(value);
      }

      @Override
      public T decode(byte[] bytes) {
        return decode.apply(bytes);
      }
    };
  }

  /** Bytes as they are. */
  static Codec<byte[]> bytes() {
    return of(b -> b, b -> b);
  }

  /** Text in UTF-8. */
  static Codec<String> utf8() {
    return of(s -> s.getBytes(StandardCharsets.UTF_8), b -> new String(b, StandardCharsets.UTF_8));
  }

  /** An 8-byte big-endian IEEE 754 double (what the "jaccard" and "cosine" apps return). */
  static Codec<Double> float64() {
    return of(
        d -> ByteBuffer.allocate(Double.BYTES).putDouble(d).array(),
        b -> ByteBuffer.wrap(b).getDouble());
  }

  /** An 8-byte big-endian signed long. */
  static Codec<Long> int64() {
    return of(
        n -> ByteBuffer.allocate(Long.BYTES).putLong(n).array(), b -> ByteBuffer.wrap(b).getLong());
  }
}
