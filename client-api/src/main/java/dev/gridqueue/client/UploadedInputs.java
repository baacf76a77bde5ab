package dev.gridqueue.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A session's local input files as uploaded: each is hashed and checked with the grid once while
 * its size and modification time stay the same. Before, every task reading an input hashed it and
 * asked the grid again: 1,000 tasks reading one 50 MB input hashed 50 GB. Thread-safe.
 */
final class UploadedInputs {
  /** Uploads {@link #uploadAll} runs at once: enough to overlap hashing and the network. */
  static final int PARALLEL_UPLOADS = 4;

  private record Stamp(long size, long modifiedNanos, String sha256) {}

  private final Map<Path, Stamp> known = new ConcurrentHashMap<>();
  private final Supplier<FilesClient> files;

  UploadedInputs(Supplier<FilesClient> files) {
    this.files = files;
  }

  /**
   * The SHA-256 of {@code local} in the session's file store, uploading it unless it is known
   * unchanged (same size and modification time as when it was uploaded) or the session holds it.
   *
   * @throws IllegalArgumentException if the file is missing or over the limit
   */
  String sha256(Path local) {
    Path path = local.toAbsolutePath().normalize();
    BasicFileAttributes now;
    try {
      now = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw FilesClient.missingInput(local, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read input file " + local, e);
    }
    long modified = now.lastModifiedTime().to(TimeUnit.NANOSECONDS);
    Stamp stamp = known.get(path);
    if (stamp != null && stamp.size() == now.size() && stamp.modifiedNanos() == modified) {
      return stamp.sha256();
    }
    String sha256 = files.get().upload(path);
    known.put(path, new Stamp(now.size(), modified, sha256));
    return sha256;
  }

  /**
   * Uploads each distinct file of {@code locals}, {@link #PARALLEL_UPLOADS} at once; throws the
   * first failure (as {@link #sha256} would) once all have ended.
   */
  void uploadAll(Collection<Path> locals) {
    try (Uploads uploads = start(locals)) {
      RuntimeException first = null;
      for (Path p : uploads.files()) {
        try {
          uploads.await(p);
        } catch (RuntimeException e) {
          first = first == null ? e : first;
        }
      }
      if (first != null) {
        throw first;
      }
    }
  }

  /**
   * Starts uploading each distinct file of {@code locals}, {@link #PARALLEL_UPLOADS} at once, in
   * the order given, once every one of them was found within the size limit: a missing or oversized
   * file is refused here, before anything is sent.
   *
   * @throws IllegalArgumentException if a file is missing or over the limit
   */
  Uploads start(Collection<Path> locals) {
    List<Path> distinct = new ArrayList<>(new LinkedHashSet<>(locals));
    distinct.forEach(FilesClient::checkedSize);
    return new Uploads(distinct);
  }

  /** Uploads under way; closing it stops those not started. */
  final class Uploads implements AutoCloseable {
    private final Map<Path, Future<String>> byFile = new LinkedHashMap<>();
    private final ExecutorService pool;

    private Uploads(List<Path> files) {
      pool =
          Executors.newFixedThreadPool(
              Math.max(1, Math.min(PARALLEL_UPLOADS, files.size())),
              r -> {
                Thread t = new Thread(r, "gridqueue-upload");
                t.setDaemon(true);
                return t;
              });
      for (Path p : files) {
        byFile.put(p, pool.submit(() -> sha256(p)));
      }
    }

    Collection<Path> files() {
      return byFile.keySet();
    }

    /**
     * Waits for {@code local}'s upload (one of {@link #files()}); throws its failure as {@link
     * #sha256} would.
     */
    String await(Path local) {
      try {
        return byFile.get(local).get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r
            ? r
            : new IllegalStateException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while uploading inputs", e);
      }
    }

    @Override
    public void close() {
      pool.shutdownNow();
    }
  }
}
