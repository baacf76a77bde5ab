package dev.gridqueue.shareddata;

import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.grid.CacheNames;
import dev.gridqueue.grid.errors.InvalidRequestException;
import dev.gridqueue.grid.errors.SessionNotFoundException;
import dev.gridqueue.grid.store.BatchKeys;
import dev.gridqueue.grid.store.StoredFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import javax.cache.Cache;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.query.QueryCursor;
import org.apache.ignite.cache.query.ScanQuery;
import org.apache.ignite.lang.IgniteBiPredicate;

/**
 * The grid's content-addressed file store: a session's files by SHA-256, in chunks of {@link
 * ContractLimits#FILE_CHUNK_BYTES} in the {@link CacheNames#FILES} cache (backups, TTL), at most
 * {@link ContractLimits#FILE_MAX_BYTES} each. Chunks are written before the entry that names them,
 * so a reader never finds a file without its data; one file stored twice is kept once. Used by the
 * gateway (the Files service) and by workers (inputs in, outputs out), which reach the cache
 * directly.
 */
public final class FileStore {
  private final IgniteCache<String, Object> cache;
  private final IgniteCache<String, Object> sessions;

  public FileStore(Ignite ignite) {
    this.cache = ignite.cache(CacheNames.FILES);
    this.sessions = ignite.cache(CacheNames.SESSIONS);
  }

  /** A stored file: its SHA-256 (lowercase hex) and size. */
  public record Stored(String sha256, long size) {}

  /** Starts storing a file of an open session. */
  public Upload upload(String sessionId) {
    requireOpenSession(sessionId);
    return new Upload(sessionId);
  }

  /** Stores the file at {@code path} (a worker's output) for the session. */
  public Stored store(String sessionId, Path path) throws IOException {
    long size = Files.size(path);
    if (size > ContractLimits.FILE_MAX_BYTES) {
      throw new InvalidRequestException(
          "file "
              + path.getFileName()
              + " is "
              + size
              + " bytes; the limit is "
              + ContractLimits.FILE_MAX_BYTES);
    }
    // Hashed first: a file the session holds already (many tasks writing the same output) is not
    // sent through the grid again.
    String sha256 = hash(path);
    if (find(sessionId, sha256) != null) {
      return new Stored(sha256, size);
    }
    Upload upload = upload(sessionId);
    try (InputStream in = Files.newInputStream(path)) {
      byte[] buffer = new byte[ContractLimits.FILE_CHUNK_BYTES];
      int n;
      while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
        upload.write(buffer, 0, n);
      }
    } catch (IOException | RuntimeException e) {
      upload.abort();
      throw e;
    }
    return upload.commit(null);
  }

  /** The stored file {@code sha256} of the session, or null if the session holds none. */
  public StoredFile find(String sessionId, String sha256) {
    return (StoredFile) cache.get(StoredFile.key(sessionId, sha256));
  }

  /** Chunk {@code index} of a stored file, or null if it expired meanwhile. */
  public byte[] chunk(String sessionId, StoredFile file, int index) {
    return (byte[]) cache.get(StoredFile.chunkKey(sessionId, file.uploadId(), index));
  }

  /**
   * Writes file {@code sha256} of the session to {@code out}; returns its size.
   *
   * @throws java.io.FileNotFoundException if the session does not hold it (or it expired)
   */
  public long copyTo(String sessionId, String sha256, OutputStream out) throws IOException {
    StoredFile file = find(sessionId, sha256);
    if (file == null) {
      throw new java.io.FileNotFoundException(notFound(sessionId, sha256));
    }
    for (int i = 0; i < file.chunkCount(); i++) {
      byte[] data = chunk(sessionId, file, i);
      if (data == null) {
        throw new java.io.FileNotFoundException(notFound(sessionId, sha256) + " (expired)");
      }
      out.write(data);
    }
    return file.sizeBytes();
  }

  /** "file S not found in session X": the message of a missing file, for every caller. */
  public static String notFound(String sessionId, String sha256) {
    return "file " + sha256 + " not found in session " + sessionId;
  }

  /** Removes every file of the session (CloseSession). */
  public void deleteSession(String sessionId) {
    Set<String> keys = new HashSet<>();
    try (QueryCursor<Cache.Entry<String, Object>> cursor =
        cache.query(new ScanQuery<>(new KeysOfSession(sessionId)))) {
      for (Cache.Entry<String, Object> e : cursor) {
        keys.add(e.getKey());
      }
    }
    cache.removeAll(keys);
  }

  private void requireOpenSession(String sessionId) {
    if (sessionId == null || sessionId.isEmpty()) {
      throw new InvalidRequestException("session_id must not be empty");
    }
    if (!sessions.containsKey(sessionId)) {
      throw new SessionNotFoundException(sessionId);
    }
  }

  /** A file being stored: bytes in, chunks out as they fill, the hash computed on the way. */
  public final class Upload {
    private final String sessionId;
    private final String uploadId = UUID.randomUUID().toString();
    private final MessageDigest digest = sha256();
    private final byte[] chunk = new byte[ContractLimits.FILE_CHUNK_BYTES];
    private int filled;
    private int chunks;
    private long size;

    private Upload(String sessionId) {
      this.sessionId = sessionId;
    }

    /** Adds bytes; a file growing past the limit is refused and its chunks removed. */
    public void write(byte[] data, int offset, int length) {
      if (size + length > ContractLimits.FILE_MAX_BYTES) {
        abort();
        throw new InvalidRequestException(
            "file is over the limit of " + ContractLimits.FILE_MAX_BYTES + " bytes");
      }
      digest.update(data, offset, length);
      size += length;
      while (length > 0) {
        int n = Math.min(length, chunk.length - filled);
        System.arraycopy(data, offset, chunk, filled, n);
        filled += n;
        offset += n;
        length -= n;
        if (filled == chunk.length) {
          flushChunk();
        }
      }
    }

    /**
     * Makes the file readable under its hash; {@code expectedSha256} (null: none) must match what
     * arrived.
     */
    public Stored commit(String expectedSha256) {
      if (filled > 0 || chunks == 0) {
        flushChunk();
      }
      String sha = HexFormat.of().formatHex(digest.digest());
      if (expectedSha256 != null && !expectedSha256.isEmpty() && !expectedSha256.equals(sha)) {
        abort();
        throw new InvalidRequestException(
            "file_chunk.sha256 " + expectedSha256 + " does not match the data sent (" + sha + ")");
      }
      if (!cache.putIfAbsent(
          StoredFile.key(sessionId, sha), new StoredFile(size, chunks, uploadId))) {
        abort(); // held already: one copy is enough
      }
      return new Stored(sha, size);
    }

    /** Removes the chunks written so far. */
    public void abort() {
      Set<String> keys = new HashSet<>();
      for (int i = 0; i < chunks; i++) {
        keys.add(StoredFile.chunkKey(sessionId, uploadId, i));
      }
      cache.removeAll(keys);
      chunks = 0;
    }

    private void flushChunk() {
      byte[] data = filled == chunk.length ? chunk.clone() : java.util.Arrays.copyOf(chunk, filled);
      cache.put(StoredFile.chunkKey(sessionId, uploadId, chunks++), data);
      filled = 0;
    }
  }

  private static String hash(Path path) throws IOException {
    MessageDigest digest = sha256();
    try (InputStream in = Files.newInputStream(path)) {
      byte[] buffer = new byte[64 << 10];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  /** Every key of one session's files. */
  private static final class KeysOfSession implements IgniteBiPredicate<String, Object> {
    private static final long serialVersionUID = 1L;
    private final String sessionId;

    KeysOfSession(String sessionId) {
      this.sessionId = sessionId;
    }

    @Override
    public boolean apply(String key, Object value) {
      return BatchKeys.belongsTo(key, sessionId);
    }
  }
}
