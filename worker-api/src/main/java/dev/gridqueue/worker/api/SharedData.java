package dev.gridqueue.worker.api;

import java.util.function.Function;

/**
 * One level of a session's shared data, as the tasks of one batch read it. Handlers reach it
 * through {@link TaskContext}; workers supply their own implementation (fetched once per batch,
 * decoded once per worker), and handler tests use {@link #of(int, byte[])}.
 */
public interface SharedData {
  /**
   * The level's number, as the client set it ({@code set(1, ...)}, then {@code update(2, ...)},
   * ...).
   */
  int level();

  /** The level's bytes. The array is shared: do not modify it. */
  byte[] bytes();

  /**
   * The bytes decoded by {@code decoder}; implementations keep the result per decoder class, so the
   * same decoder is applied once.
   */
  <T> T decoded(Function<byte[], T> decoder);

  /** Fixed shared data, for handler tests: decoded once per decoder class, like on a worker. */
  static SharedData of(int level, byte[] bytes) {
    return new FixedSharedData(level, bytes);
  }
}
