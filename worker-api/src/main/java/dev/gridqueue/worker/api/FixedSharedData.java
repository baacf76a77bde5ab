package dev.gridqueue.worker.api;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** {@link SharedData#of(int, byte[])}: bytes in memory, each decoder's result kept. */
final class FixedSharedData implements SharedData {
  private final int level;
  private final byte[] bytes;
  private final Map<Class<?>, Object> decoded = new ConcurrentHashMap<>();

  FixedSharedData(int level, byte[] bytes) {
    this.level = level;
    this.bytes = Objects.requireNonNull(bytes, "bytes");
  }

  @Override
  public int level() {
    return level;
  }

  @Override
  public byte[] bytes() {
    return bytes;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T decoded(Function<byte[], T> decoder) {
    return (T) decoded.computeIfAbsent(decoder.getClass(), c -> decoder.apply(bytes));
  }
}
