package dev.gridqueue.worker.internal.command;

import com.google.protobuf.ByteString;
import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.proto.v1.Command;
import dev.gridqueue.proto.v1.OutputDirectory;
import dev.gridqueue.proto.v1.OutputFile;
import dev.gridqueue.shareddata.FileStore;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Brings a command's outputs back from its sandbox into the grid's file store: the output files
 * ({@code Command.output_names}) and the output directories ({@code Command.output_directories}),
 * walked without following symbolic links. Nothing outside the sandbox is ever read: an output
 * reached through a link leading out of it counts as missing, and links inside an output directory
 * are listed, not followed.
 */
final class OutputCollector {
  private final FileStore files;
  private final InputCache cache;

  OutputCollector(FileStore files, InputCache cache) {
    this.files = files;
    this.cache = cache;
  }

  /**
   * What was found: the files and directories to return, the names missing, and the first limit an
   * output broke (null when none: then {@code files} and {@code directories} are complete).
   */
  record Collected(
      List<OutputFile> files,
      List<OutputDirectory> directories,
      List<String> missing,
      String overLimit) {}

  Collected collect(String sessionId, Command command, Sandboxes.Run run) throws IOException {
    Path sandbox = run.sandbox().toRealPath();
    List<OutputFile> found = new ArrayList<>();
    List<OutputDirectory> dirs = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String name : command.getOutputNamesList()) {
      Path file = run.inSandbox(name);
      if (!Files.isRegularFile(file) || !inside(sandbox, file)) {
        missing.add(name);
        continue;
      }
      long size = Files.size(file);
      if (size > ContractLimits.FILE_MAX_BYTES) {
        return over(
            found,
            dirs,
            missing,
            "output "
                + name
                + " is "
                + size
                + " bytes; the limit is "
                + ContractLimits.FILE_MAX_BYTES);
      }
      OutputFile stored = store(sessionId, name, file, size, true);
      if (command.getCachedOutputsList().contains(name)) {
        stored = stored.toBuilder().setCached(cache.keep(stored.getSha256(), file)).build();
      }
      found.add(stored);
    }
    for (int i = 0; i < command.getOutputDirectoriesCount(); i++) {
      String name = command.getOutputDirectories(i);
      Path dir = run.inSandbox(name);
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || !inside(sandbox, dir)) {
        missing.add(name + "/");
        continue;
      }
      Listing listing = list(dir);
      String field = "command.output_directories[" + i + "] '" + name + "'";
      if (listing.files.size() > ContractLimits.DIRECTORY_FILES_MAX) {
        return over(
            found,
            dirs,
            missing,
            field
                + " holds more than "
                + ContractLimits.DIRECTORY_FILES_MAX
                + " files; the limit is "
                + ContractLimits.DIRECTORY_FILES_MAX);
      }
      if (listing.bytes > ContractLimits.DIRECTORY_MAX_BYTES) {
        return over(
            found,
            dirs,
            missing,
            field
                + " holds "
                + listing.bytes
                + " bytes; the limit is "
                + ContractLimits.DIRECTORY_MAX_BYTES);
      }
      OutputDirectory.Builder d = OutputDirectory.newBuilder().setRemoteName(name);
      long inlineLeft = ContractLimits.DIRECTORY_INLINE_MAX_BYTES;
      listing.files.sort(Comparator.naturalOrder());
      for (Path file : listing.files) {
        long size = Files.size(file);
        boolean inline = size <= ContractLimits.INLINE_OUTPUT_MAX_BYTES && size <= inlineLeft;
        if (inline) {
          inlineLeft -= size;
        }
        d.addFiles(store(sessionId, relative(sandbox, file), file, size, inline));
      }
      listing.empty.stream()
          .map(p -> relative(sandbox, p))
          .sorted()
          .forEach(d::addEmptyDirectories);
      listing.links.stream().map(p -> relative(sandbox, p)).sorted().forEach(d::addSkippedLinks);
      dirs.add(d.build());
    }
    return new Collected(found, dirs, missing, null);
  }

  private static Collected over(
      List<OutputFile> found, List<OutputDirectory> dirs, List<String> missing, String why) {
    return new Collected(found, dirs, missing, why);
  }

  private OutputFile store(String sessionId, String name, Path file, long size, boolean inline)
      throws IOException {
    FileStore.Stored stored = files.store(sessionId, file);
    OutputFile.Builder o =
        OutputFile.newBuilder().setRemoteName(name).setSha256(stored.sha256()).setSize(size);
    if (inline && size <= ContractLimits.INLINE_OUTPUT_MAX_BYTES) {
      o.setContent(ByteString.copyFrom(Files.readAllBytes(file))).setInline(true);
    }
    return o.build();
  }

  /** Whether {@code path}, every link on the way resolved, is still in the sandbox. */
  private static boolean inside(Path realSandbox, Path path) throws IOException {
    return path.toRealPath().startsWith(realSandbox);
  }

  private static String relative(Path sandbox, Path p) {
    return sandbox.relativize(p).toString();
  }

  /** One output directory's regular files, empty subdirectories and links. */
  private static final class Listing {
    final List<Path> files = new ArrayList<>();
    final List<Path> empty = new ArrayList<>();
    final List<Path> links = new ArrayList<>();
    long bytes;
  }

  /**
   * Walks {@code dir} (already known to be a real directory inside the sandbox) without following
   * links, stopping once past a limit: a command may leave millions of files.
   */
  private static Listing list(Path dir) throws IOException {
    Listing listing = new Listing();
    Path start = dir.toRealPath();
    Files.walkFileTree(
        start,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
              throws IOException {
            try (DirectoryStream<Path> children = Files.newDirectoryStream(d)) {
              if (!children.iterator().hasNext()) {
                listing.empty.add(d);
              }
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isSymbolicLink()) {
              listing.links.add(file);
            } else if (attrs.isRegularFile()) {
              listing.files.add(file);
              listing.bytes += attrs.size();
            }
            return listing.files.size() > ContractLimits.DIRECTORY_FILES_MAX
                    || listing.bytes > ContractLimits.DIRECTORY_MAX_BYTES
                ? FileVisitResult.TERMINATE
                : FileVisitResult.CONTINUE;
          }
        });
    return listing;
  }
}
