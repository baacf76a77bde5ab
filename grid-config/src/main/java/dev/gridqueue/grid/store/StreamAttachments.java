package dev.gridqueue.grid.store;

/**
 * Keys of the stream-attachments cache: per session, which grid node holds its result stream and
 * which its dead-letter stream. A done batch's results are routed to the node attached for {@link
 * #resultsOf}; its dead letters to the node attached for {@link #deadLettersOf}.
 */
public final class StreamAttachments {
  private StreamAttachments() {}

  /** The key naming the node of the session's result stream (ClientStream). */
  public static String resultsOf(String sessionId) {
    return sessionId;
  }

  /** The key naming the node of the session's dead-letter stream (ClientStreamDeadLetters). */
  public static String deadLettersOf(String sessionId) {
    return sessionId + BatchKeys.DEAD_LETTERS_SUFFIX;
  }

  /**
   * The key that routes a batch of the session in {@code state}; null for states never delivered.
   */
  public static String routing(String sessionId, BatchState state) {
    return switch (state) {
      case DONE -> resultsOf(sessionId);
      case DEAD -> deadLettersOf(sessionId);
      default -> null;
    };
  }
}
