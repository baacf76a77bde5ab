package dev.gridqueue.worker.internal.command;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's on-disk cache of cacheable inputs, by SHA-256: a file crosses the network once per
 * worker however many tasks read it. Bounded: least recently used files leave when the cache would
 * grow past its size (a file bigger than the whole cache is fetched for its task alone). Tasks get
 * hard links (a copy where links fail), so a file leaving the cache never leaves a running sandbox.
 * One fetch per file at a time: tasks wanting a file being fetched wait for that fetch. Every fetch
 * is logged. Thread-safe.
 */
final class InputCache {
  private static final Logger LOG = LoggerFactory.getLogger(InputCache.class);

  /** Fetches file {@code sha256} of a session into a stream. */
  @FunctionalInterface
  interface Fetcher {
    void fetch(String sessionId, String sha256, OutputStream out) throws IOException;
  }

  private final Path dir;
  private final long maxBytes;
  private final Fetcher fetcher;
  private final String workerId;
  private final Map<String, Long> lru = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, Object> fetchLocks = new ConcurrentHashMap<>();
  private final AtomicLong fetches = new AtomicLong();
  private long bytes;

  InputCache(Path dir, long maxBytes, Fetcher fetcher, String workerId) {
    this.dir = dir.toAbsolutePath().normalize();
    this.maxBytes = maxBytes;
    this.fetcher = fetcher;
    this.workerId = workerId;
    try {
      Files.createDirectories(this.dir);
      // Files kept by an earlier run of a worker on this directory stay usable.
      try (Stream<Path> kept = Files.list(this.dir)) {
        kept.filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}"))
            .forEach(p -> remember(p.getFileName().toString(), p.toFile().length()));
      }
      try (Stream<Path> partial = Files.list(this.dir)) {
        partial
            .filter(p -> p.getFileName().toString().endsWith(".part"))
            .forEach(p -> p.toFile().delete());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use cache directory " + this.dir, e);
    }
  }

  /** Files fetched over the network since the worker started (cached or not). */
  long fetches() {
    return fetches.get();
  }

  /**
   * Places file {@code sha256} of the session at {@code target}: from the cache when {@code
   * cacheable} and held, else fetched (and kept when cacheable and it fits).
   */
  void place(String sessionId, String sha256, boolean cacheable, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    if (!cacheable) {
      fetchInto(sessionId, sha256, target, false);
      return;
    }
    Object lock = fetchLocks.computeIfAbsent(sha256, k -> new Object());
    synchronized (lock) {
      Path cached = dir.resolve(sha256);
      if (!touch(sha256) || !Files.exists(cached)) {
        Path part = dir.resolve(sha256 + "." + Thread.currentThread().getId() + ".part");
        long size = fetchInto(sessionId, sha256, part, true);
        if (size > maxBytes) {
          Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
          return;
        }
        Files.move(
            part, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        remember(sha256, size);
      }
      try {
        link(cached, target);
      } catch (java.nio.file.NoSuchFileException evictedMeanwhile) {
        fetchInto(sessionId, sha256, target, false);
      }
    }
  }

  /**
   * Keeps {@code file} (a task's output, whose SHA-256 is {@code sha256}) in the cache, so a later
   * task reading it as a cacheable input gets it without a fetch. A copy, not a link: the sandbox
   * it comes from is removed, and a process the command left behind could still write to it.
   *
   * @return whether it is held (false: larger than the whole cache)
   */
  boolean keep(String sha256, Path file) throws IOException {
    Object lock = fetchLocks.computeIfAbsent(sha256, k -> new Object());
    synchronized (lock) {
      Path cached = dir.resolve(sha256);
      if (touch(sha256) && Files.exists(cached)) {
        return true;
      }
      long size = Files.size(file);
      if (size > maxBytes) {
        return false;
      }
      Path part = dir.resolve(sha256 + "." + Thread.currentThread().getId() + ".part");
      Files.copy(file, part, StandardCopyOption.REPLACE_EXISTING);
      Files.move(part, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      remember(sha256, size);
      LOG.info("worker {} kept output {} ({} bytes) in its cache", workerId, sha256, size);
      return true;
    }
  }

  private long fetchInto(String sessionId, String sha256, Path path, boolean cacheable)
      throws IOException {
    long started = System.nanoTime();
    long size;
    try (OutputStream out = Files.newOutputStream(path)) {
      fetcher.fetch(sessionId, sha256, out);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(path);
      throw e;
    }
    size = Files.size(path);
    fetches.incrementAndGet();
    LOG.info(
        "worker {} fetched input {} ({} bytes, {}) in {} ms",
        workerId,
        sha256,
        size,
        cacheable ? "cached" : "not cached",
        (System.nanoTime() - started) / 1_000_000);
    return size;
  }

  private static void link(Path cached, Path target) throws IOException {
    Files.deleteIfExists(target);
    try {
      Files.createLink(target, cached);
    } catch (IOException | UnsupportedOperationException e) {
      Files.copy(cached, target);
    }
  }

  private synchronized boolean touch(String sha256) {
    return lru.get(sha256) != null;
  }

  private synchronized void remember(String sha256, long size) {
    Long old = lru.put(sha256, size);
    bytes += size - (old == null ? 0 : old);
    Iterator<Map.Entry<String, Long>> eldest = lru.entrySet().iterator();
    while (bytes > maxBytes && eldest.hasNext()) {
      Map.Entry<String, Long> e = eldest.next();
      if (e.getKey().equals(sha256)) {
        continue;
      }
      eldest.remove();
      bytes -= e.getValue();
      dir.resolve(e.getKey()).toFile().delete();
      LOG.info(
          "worker {} evicted input {} ({} bytes) from its cache",
          workerId,
          e.getKey(),
          e.getValue());
    }
  }
}
