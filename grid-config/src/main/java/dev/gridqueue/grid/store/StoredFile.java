package dev.gridqueue.grid.store;

/**
 * One file of a session's file store: its size, and the upload whose chunks hold it. Keyed by
 * {@link #key}; its chunks by {@link #chunkKey}. The session prefix lets a session's files be found
 * by key alone, and the upload id keeps two racing uploads of one file from mixing chunks.
 */
public final class StoredFile {
  private final long sizeBytes;
  private final int chunkCount;
  private final String uploadId;

  public StoredFile(long sizeBytes, int chunkCount, String uploadId) {
    this.sizeBytes = sizeBytes;
    this.chunkCount = chunkCount;
    this.uploadId = uploadId;
  }

  public long sizeBytes() {
    return sizeBytes;
  }

  public int chunkCount() {
    return chunkCount;
  }

  public String uploadId() {
    return uploadId;
  }

  /** The key of file {@code sha256} of the session. */
  public static String key(String sessionId, String sha256) {
    return BatchKeys.of(sessionId, sha256);
  }

  /** The key of chunk {@code index} of upload {@code uploadId} of the session. */
  public static String chunkKey(String sessionId, String uploadId, int index) {
    return BatchKeys.of(sessionId, "~" + uploadId + "/" + index);
  }
}
