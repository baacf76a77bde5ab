package dev.gridqueue.cli;

import dev.gridqueue.grid.NodeSsl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code --node-ssl DIR}: the node's key store, trust store and their password, by file name. */
final class NodeSslDirectory {
  private NodeSslDirectory() {}

  static NodeSsl read(Path dir) {
    Path password = dir.resolve("store-password");
    try {
      return new NodeSsl(
          either(dir, "node.p12", "node.jks"),
          either(dir, "truststore.p12", "truststore.jks"),
          Files.readString(password, StandardCharsets.UTF_8).strip().toCharArray());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + password, e);
    }
  }

  private static Path either(Path dir, String pkcs12, String jks) {
    Path p = dir.resolve(pkcs12);
    return Files.exists(p) || !Files.exists(dir.resolve(jks)) ? p : dir.resolve(jks);
  }
}
