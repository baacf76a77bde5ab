package dev.gridqueue.scheduler.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends lines to a file from a thread of its own, so that the scheduling loop never waits on the
 * disk: {@link #add} only queues an unformatted line, which this thread formats and writes, and it
 * flushes whenever it has caught up (so {@code tail -f} shows events within milliseconds). Idle, it
 * looks for lines every millisecond. When the disk cannot keep up, lines beyond {@link #CAPACITY}
 * are dropped and counted, and a comment says how many, rather than holding the scheduler back.
 */
final class LogWriter implements AutoCloseable {
  static final int CAPACITY = 1 << 18;
  private static final long IDLE_NANOS = 5_000_000;
  private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);

  /** A line to write, formatted on the writer's thread. */
  interface Line {
    String format();
  }

  private final Path file;
  // Lock-free: the scheduling loop's add is a CAS or two, never a lock the writer holds.
  private final Queue<Line> lines = new ConcurrentLinkedQueue<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private final Thread thread;
  private volatile boolean closing;

  LogWriter(Path file, String name) {
    this.file = file;
    this.thread = new Thread(this::run, "gridqueue-" + name + "-writer");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Whether the file was empty or absent when opened (a header is then due). */
  static boolean isNew(Path file) {
    try {
      return !Files.exists(file) || Files.size(file) == 0;
    } catch (IOException e) {
      return true;
    }
  }

  /** Queues a line; never blocks. */
  void add(Line line) {
    if (waiting.incrementAndGet() > CAPACITY) {
      waiting.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    lines.add(line);
  }

  private void run() {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (BufferedWriter out =
          Files.newBufferedWriter(
              file,
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND,
              StandardOpenOption.WRITE)) {
        while (!closing || !lines.isEmpty()) {
          Line line = lines.poll();
          if (line == null) {
            // caught up: flush, then look again in 5 ms (no lock to wake us: see add)
            out.flush();
            LockSupport.parkNanos(IDLE_NANOS);
            continue;
          }
          for (; line != null; line = lines.poll()) {
            waiting.decrementAndGet();
            out.write(line.format());
            out.newLine();
          }
          long lost = dropped.getAndSet(0);
          if (lost > 0) {
            out.write("# " + lost + " lines dropped: the disk did not keep up");
            out.newLine();
          }
          out.flush();
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot write {}: {}; it stays as it is", file, e.toString());
    }
  }

  /** Writes what is queued, then stops (waits up to 5 s). */
  @Override
  public void close() {
    closing = true;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
