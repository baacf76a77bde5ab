package dev.gridqueue.grid.store;

/**
 * Keys of the shared-data cache. {@code <session>} holds the latest level (an Integer), {@code
 * <session>/<level>} a {@link SharedDataHeader}, {@code <session>/<level>/<generation>/<chunk>} a
 * byte[] chunk, {@code <session>/usage} the bytes of its live levels. The session prefix lets a
 * session's entries be found by key alone.
 */
public final class SharedDataKeys {
  private SharedDataKeys() {}

  public static String latest(String sessionId) {
    return sessionId;
  }

  public static String header(String sessionId, int level) {
    return sessionId + "/" + level;
  }

  public static String chunk(String sessionId, int level, String generation, int chunk) {
    return sessionId + "/" + level + "/" + generation + "/" + chunk;
  }

  /** The session's usage record: bytes per live level, for its quota. */
  public static String usage(String sessionId) {
    return sessionId + "/usage";
  }

  public static boolean belongsTo(String key, String sessionId) {
    return key.equals(sessionId) || BatchKeys.belongsTo(key, sessionId);
  }
}
