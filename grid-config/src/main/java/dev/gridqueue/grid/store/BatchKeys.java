package dev.gridqueue.grid.store;

/**
 * Keys of the batches cache: {@code <sessionId>/<batch uid>}. The session prefix lets a session's
 * batches be found by key alone (close, re-attach) without reading values.
 */
public final class BatchKeys {
  private static final char SEPARATOR = '/';

  /**
   * Marks the key of a batch's dead-letter entry (and of a session's dead-letter stream
   * attachment).
   */
  public static final String DEAD_LETTERS_SUFFIX = "#dead";

  private BatchKeys() {}

  public static String of(String sessionId, String batchUid) {
    return sessionId + SEPARATOR + batchUid;
  }

  /** The key of a batch's dead-letter entry (same session prefix). */
  public static String deadLetters(String batchKey) {
    return batchKey + DEAD_LETTERS_SUFFIX;
  }

  /** Whether {@code key} names a dead-letter entry. */
  public static boolean isDeadLetters(String key) {
    return key.endsWith(DEAD_LETTERS_SUFFIX);
  }

  public static boolean belongsTo(String key, String sessionId) {
    return key.length() > sessionId.length()
        && key.charAt(sessionId.length()) == SEPARATOR
        && key.startsWith(sessionId);
  }

  public static String sessionOf(String key) {
    int at = key.indexOf(SEPARATOR);
    if (at < 0) {
      throw new IllegalArgumentException("not a batch key: " + key);
    }
    return key.substring(0, at);
  }
}
