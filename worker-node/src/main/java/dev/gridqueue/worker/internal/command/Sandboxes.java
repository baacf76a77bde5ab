package dev.gridqueue.worker.internal.command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directories command tasks run in: one per run under the worker's sandbox root, holding the
 * task's working directory ({@code sandbox/}) and its captured {@code stdout} and {@code stderr}
 * beside it, so the command cannot overwrite them. Removed after the run; what a killed worker left
 * behind is removed when the next worker starts on the root.
 */
final class Sandboxes {
  private static final Logger LOG = LoggerFactory.getLogger(Sandboxes.class);

  private final Path root;
  private final AtomicLong counter = new AtomicLong();

  Sandboxes(Path root) {
    this.root = root.toAbsolutePath().normalize();
    try {
      Files.createDirectories(this.root);
      try (Stream<Path> stale = Files.list(this.root)) {
        stale.forEach(
            p -> {
              LOG.info("removing sandbox {} left by an earlier worker", p);
              delete(p);
            });
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use sandbox directory " + this.root, e);
    }
  }

  Path root() {
    return root;
  }

  /** A fresh run directory with an empty {@code sandbox/} in it. */
  Run create(String taskId) throws IOException {
    String safe = taskId.replaceAll("[^A-Za-z0-9._-]", "_");
    if (safe.length() > 64) {
      safe = safe.substring(0, 64);
    }
    Path dir = root.resolve(counter.incrementAndGet() + "-" + safe);
    Files.createDirectories(dir.resolve("sandbox"));
    return new Run(dir);
  }

  /** One run's directory. */
  record Run(Path dir) {
    Path sandbox() {
      return dir.resolve("sandbox");
    }

    Path stdout() {
      return dir.resolve("stdout");
    }

    Path stderr() {
      return dir.resolve("stderr");
    }

    /** The sandbox path of {@code name}, which {@code CommandRules} already checked. */
    Path inSandbox(String name) {
      Path p = sandbox().resolve(name).normalize();
      if (!p.startsWith(sandbox())) {
        throw new IllegalArgumentException(name + " is outside the sandbox");
      }
      return p;
    }

    void delete() {
      Sandboxes.delete(dir);
    }
  }

  /** Removes a tree, not following links (a command may leave a link to anywhere). */
  static void delete(Path dir) {
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
              d.toFile().setWritable(true, true); // a command may have made it read-only
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      LOG.warn("could not remove sandbox {}: {}", dir, e.toString());
    }
  }
}
