package dev.gridqueue.grid.errors;

/** A shared-data level that was never stored, has expired, or was deleted. */
public final class SharedDataNotFoundException extends RequestRejectedException {
  private static final long serialVersionUID = 1L;

  public SharedDataNotFoundException(String sessionId, Integer level) {
    super(
        "shared data not found for session "
            + sessionId
            + (level == null ? "" : " (level " + level + ")"));
  }
}
