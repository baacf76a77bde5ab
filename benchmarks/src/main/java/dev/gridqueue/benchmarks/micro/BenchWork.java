package dev.gridqueue.benchmarks.micro;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the benchmark nodes keep their Ignite work files: {@code benchmarks/target/bench-work},
 * beside {@code benchmarks.jar} (or {@code target/classes}) whatever the working directory.
 */
final class BenchWork {
  private BenchWork() {}

  static Path directory() {
    try {
      Path codeSource =
          Path.of(BenchWork.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return codeSource.toAbsolutePath().getParent().resolve("bench-work");
    } catch (URISyntaxException | RuntimeException e) {
      return Path.of("target", "bench-work").toAbsolutePath();
    }
  }

  /** Deletes the work files of a stopped node (Ignite puts them under work dir / instance name). */
  static void deleteNodeFiles(String instanceName) {
    Path dir = directory().resolve(instanceName);
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + dir, e);
    }
  }
}
