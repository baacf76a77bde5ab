package dev.gridqueue.worker.internal.command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directories command tasks run in: one per run under the worker's sandbox root ({@code
 * N-TASKID/}, the task's working directory), with its captured {@code N-TASKID.stdout} and {@code
 * .stderr} beside it, so the command cannot overwrite them (files, not a directory of their own:
 * creating and removing a directory is what costs). Removed after the run, by a thread of its own;
 * what a killed worker left behind is removed when the next worker starts on the root.
 */
final class Sandboxes {
  private static final Logger LOG = LoggerFactory.getLogger(Sandboxes.class);

  /** Run directories waiting for the remover; beyond this many a run removes its own. */
  private static final int REMOVALS_QUEUED_MAX = 1024;

  private final Path root;
  private final AtomicLong counter = new AtomicLong();
  private final BlockingQueue<Path> removals = new ArrayBlockingQueue<>(REMOVALS_QUEUED_MAX);

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
    Thread remover = new Thread(this::removeQueued, "gridqueue-sandbox-remover");
    remover.setDaemon(true);
    remover.start();
  }

  Path root() {
    return root;
  }

  /** A fresh, empty sandbox. */
  Run create(String taskId) throws IOException {
    String safe = taskId.replaceAll("[^A-Za-z0-9._-]", "_");
    if (safe.length() > 64) {
      safe = safe.substring(0, 64);
    }
    Path sandbox = root.resolve(counter.incrementAndGet() + "-" + safe);
    Files.createDirectory(sandbox);
    return new Run(sandbox, this);
  }

  /**
   * Removes a run's directory on the remover's thread: removing a directory waits on the disk (~2
   * ms a directory on an ext4 mounted with {@code discard}), which the slot need not wait for.
   */
  private void remove(Path sandbox) {
    if (!removals.offer(sandbox)) {
      removeRun(sandbox);
    }
  }

  private void removeQueued() {
    while (true) {
      try {
        removeRun(removals.take());
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("could not remove a sandbox: {}", e.toString());
      }
    }
  }

  /**
   * Removes a run: with three calls when the command left its sandbox empty (the common case once
   * outputs are stored), else by walking the tree.
   */
  private static void removeRun(Path sandbox) {
    try {
      Files.deleteIfExists(stdout(sandbox));
      Files.deleteIfExists(stderr(sandbox));
      Files.delete(sandbox);
    } catch (IOException e) { // not empty, or not writable: walk it
      delete(sandbox);
    }
  }

  private static Path stdout(Path sandbox) {
    return sandbox.resolveSibling(sandbox.getFileName() + ".stdout");
  }

  private static Path stderr(Path sandbox) {
    return sandbox.resolveSibling(sandbox.getFileName() + ".stderr");
  }

  /** One run: its sandbox and where its stdout and stderr go. */
  record Run(Path sandbox, Sandboxes sandboxes) {
    Path stdout() {
      return Sandboxes.stdout(sandbox);
    }

    Path stderr() {
      return Sandboxes.stderr(sandbox);
    }

    /** The sandbox path of {@code name}, which {@code CommandRules} already checked. */
    Path inSandbox(String name) {
      Path p = sandbox().resolve(name).normalize();
      if (!p.startsWith(sandbox())) {
        throw new IllegalArgumentException(name + " is outside the sandbox");
      }
      return p;
    }

    /** Removes the run's sandbox and files, soon: the remover removes them. */
    void delete() {
      sandboxes.remove(sandbox);
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
