package dev.gridqueue.server.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The API keys a grid server accepts ({@code --api-keys FILE}). One key a line:
 *
 * <pre>
 * # role   key (or sha256:HEX of it)                                           name
 * client   s3cret-key-of-alice                                                  alice
 * client   sha256:0b7f...e1 (64 hex digits: the SHA-256 of the key's UTF-8)     bob
 * worker   k-worker-pool-1                                                      pool-1
 * admin    sha256:9c1d...42                                                     ops
 * </pre>
 *
 * Blank lines and lines starting with {@code #} are ignored. The name identifies the owner: a
 * session belongs to the name of the key that created it, so two keys with one name (a key being
 * rotated) share their sessions; one name may not have two roles. Only SHA-256 digests are kept in
 * memory, and neither keys nor digests are ever logged or put in an error message.
 */
public final class ApiKeys {
  /** The gRPC metadata key carrying the API key (ALPCRUN.CH's name). */
  public static final String METADATA_KEY = dev.gridqueue.client.ApiKey.METADATA_KEY;

  private static final String SHA256_PREFIX = "sha256:";

  private final Map<String, Caller> byDigest;

  private ApiKeys(Map<String, Caller> byDigest) {
    this.byDigest = Map.copyOf(byDigest);
  }

  /** No keys: every call is allowed, as {@link Caller#ANYONE}. */
  public static ApiKeys none() {
    return new ApiKeys(Map.of());
  }

  /** Reads a key file; a malformed line fails with its number (never its content). */
  public static ApiKeys load(Path file) {
    try {
      return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read API key file " + file, e);
    }
  }

  /** Parses the lines of a key file; {@code source} names it in errors. */
  public static ApiKeys parse(List<String> lines, String source) {
    Map<String, Caller> byDigest = new HashMap<>();
    Map<String, Caller.Role> roleOfName = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = source + " line " + (i + 1);
      String[] fields = line.split("\\s+");
      if (fields.length != 3) {
        throw new IllegalArgumentException(
            where + ": expected 'role key name' (3 fields), got " + fields.length);
      }
      Caller.Role role;
      try {
        role = Caller.Role.valueOf(fields[0].toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            where + ": role must be client, worker or admin, got '" + fields[0] + "'");
      }
      String name = fields[2];
      Caller.Role earlier = roleOfName.putIfAbsent(name, role);
      if (earlier != null && earlier != role) {
        throw new IllegalArgumentException(
            where + ": name '" + name + "' already has role " + earlier.name().toLowerCase());
      }
      String digest = digestOf(fields[1], where);
      if (byDigest.put(digest, new Caller(name, role)) != null) {
        throw new IllegalArgumentException(where + ": the same key is listed twice");
      }
    }
    if (byDigest.isEmpty()) {
      throw new IllegalArgumentException(source + " lists no API key");
    }
    return new ApiKeys(byDigest);
  }

  private static String digestOf(String field, String where) {
    if (field.regionMatches(true, 0, SHA256_PREFIX, 0, SHA256_PREFIX.length())) {
      String hex = field.substring(SHA256_PREFIX.length()).toLowerCase(Locale.ROOT);
      if (!hex.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException(where + ": sha256: must be followed by 64 hex digits");
      }
      return hex;
    }
    return sha256(field);
  }

  /** The hex SHA-256 of a key's UTF-8 bytes, as a key file may list it. */
  public static String sha256(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** Whether calls must carry a key. */
  public boolean enabled() {
    return !byDigest.isEmpty();
  }

  /** The caller a key identifies; empty for an unknown key. */
  public Optional<Caller> lookup(String key) {
    return Optional.ofNullable(byDigest.get(sha256(key)));
  }
}
