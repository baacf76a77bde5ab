package dev.gridqueue.server.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys of a key file ({@code server --api-keys FILE}), read again when the file changes:
 * keys are added and revoked without restarting the server. The file's modification time and size
 * are looked at every {@link #POLL_EVERY}; a changed file that does not parse is refused with an
 * ERROR naming the line (never its content) and the keys in force stay.
 */
public final class ApiKeysFile implements Supplier<ApiKeys>, AutoCloseable {
  /** How often the file is looked at: a revoked key works at most this long after the change. */
  public static final Duration POLL_EVERY = Duration.ofSeconds(2);

  private static final Logger LOG = LoggerFactory.getLogger(ApiKeysFile.class);

  private final Path file;
  private volatile ApiKeys keys;
  private FileTime seenTime;
  private long seenSize;
  private ScheduledExecutorService poller;

  private ApiKeysFile(Path file) {
    this.file = file;
  }

  /** Reads the key file; a missing or malformed one fails (the server does not start). */
  public static ApiKeysFile load(Path file) {
    ApiKeysFile f = new ApiKeysFile(file);
    f.see();
    f.keys = ApiKeys.load(file);
    return f;
  }

  /** The keys in force. */
  @Override
  public ApiKeys get() {
    return keys;
  }

  /** Looks at the file every {@link #POLL_EVERY} until {@link #close()}. */
  public synchronized void watch() {
    if (poller != null) {
      return;
    }
    poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "gridqueue-api-keys");
              t.setDaemon(true);
              return t;
            });
    long millis = POLL_EVERY.toMillis();
    poller.scheduleWithFixedDelay(this::reloadIfChanged, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Reads the file again if its modification time or size changed since it was last read; returns
   * whether new keys are now in force (false: unchanged, or refused and the old keys kept).
   */
  public synchronized boolean reloadIfChanged() {
    try {
      FileTime time = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      if (time.equals(seenTime) && size == seenSize) {
        return false;
      }
      seenTime = time;
      seenSize = size;
      ApiKeys fresh = ApiKeys.load(file);
      keys = fresh;
      LOG.info("API key file {} changed: its keys are now in force", file);
      return true;
    } catch (IOException | RuntimeException e) {
      // Messages name the file and line, never a key (ApiKeys.parse).
      LOG.error("API key file {} refused, the keys in force stay: {}", file, e.getMessage());
      return false;
    }
  }

  private void see() {
    try {
      seenTime = Files.getLastModifiedTime(file);
      seenSize = Files.size(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read API key file " + file, e);
    }
  }

  @Override
  public synchronized void close() {
    if (poller != null) {
      poller.shutdownNow();
    }
  }
}
