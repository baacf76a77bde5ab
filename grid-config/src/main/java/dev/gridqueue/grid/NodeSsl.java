package dev.gridqueue.grid;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import org.apache.ignite.ssl.SslContextFactory;

/**
 * SSL between grid nodes (Ignite discovery and communication): this node's key store (its key and
 * certificate) and the trust store holding the grid's CA. Every node of a grid uses SSL or none
 * does; with SSL, a node whose certificate the grid's CA did not sign cannot join (Ignite asks both
 * ends for a certificate). Stores ending in {@code .jks} are JKS, others PKCS#12.
 */
public final class NodeSsl {
  private final Path keyStore;
  private final Path trustStore;
  private final char[] password;

  /** {@code password} opens both stores (and the key). */
  public NodeSsl(Path keyStore, Path trustStore, char[] password) {
    this.keyStore = requireFile(keyStore, "node key store");
    this.trustStore = requireFile(trustStore, "node trust store");
    this.password = Objects.requireNonNull(password, "password").clone();
  }

  private static Path requireFile(Path file, String what) {
    Objects.requireNonNull(file, what);
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(what + " " + file + " is not a readable file");
    }
    return file;
  }

  public Path keyStore() {
    return keyStore;
  }

  public Path trustStore() {
    return trustStore;
  }

  /** Ignite's SSL context factory, used by discovery and communication alike. */
  SslContextFactory contextFactory() {
    SslContextFactory factory = new SslContextFactory();
    factory.setKeyStoreFilePath(keyStore.toAbsolutePath().toString());
    factory.setKeyStoreType(typeOf(keyStore));
    factory.setKeyStorePassword(password.clone());
    factory.setTrustStoreFilePath(trustStore.toAbsolutePath().toString());
    factory.setTrustStoreType(typeOf(trustStore));
    factory.setTrustStorePassword(password.clone());
    factory.setProtocol("TLSv1.3");
    return factory;
  }

  private static String typeOf(Path store) {
    return store.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jks")
        ? "JKS"
        : "PKCS12";
  }
}
