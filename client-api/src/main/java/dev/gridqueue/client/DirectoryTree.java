package dev.gridqueue.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A local directory read as a command task's input directory: its regular files and its empty
 * subdirectories, with their paths relative to it ('/'-separated), within the contract's limits.
 */
final class DirectoryTree {
  /** A regular file ({@code file} set) or an empty directory ({@code file} null). */
  record Entry(String relative, Path file) {}

  private DirectoryTree() {}

  /**
   * @throws IllegalArgumentException naming {@code what} when {@code dir} is not a directory or is
   *     over {@link ContractLimits#DIRECTORY_FILES_MAX} files or {@link
   *     ContractLimits#DIRECTORY_MAX_BYTES} bytes
   */
  static List<Entry> read(Path dir, String what) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(what + ": " + dir + " is not a directory");
    }
    List<Entry> entries = new ArrayList<>();
    int files = 0;
    long bytes = 0;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
        String relative = dir.relativize(p).toString().replace('\\', '/');
        if (Files.isRegularFile(p)) {
          files++;
          bytes += Files.size(p);
          if (files > ContractLimits.DIRECTORY_FILES_MAX) {
            throw new IllegalArgumentException(
                what
                    + " holds more than "
                    + ContractLimits.DIRECTORY_FILES_MAX
                    + " files; the limit is "
                    + ContractLimits.DIRECTORY_FILES_MAX);
          }
          if (bytes > ContractLimits.DIRECTORY_MAX_BYTES) {
            throw new IllegalArgumentException(
                what
                    + " holds more than "
                    + ContractLimits.DIRECTORY_MAX_BYTES
                    + " bytes; the limit is "
                    + ContractLimits.DIRECTORY_MAX_BYTES);
          }
          entries.add(new Entry(relative, p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && isEmpty(p)) {
          entries.add(new Entry(relative, null));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + what, e);
    }
    return entries;
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      return !children.iterator().hasNext();
    }
  }
}
