package dev.gridqueue.grid.notice;

import java.io.Serializable;

/**
 * A session's attributes changed (UpdateSession), sent to the scheduler's node once the sessions
 * cache holds the new version on every server node, so the scheduler reads it from its own copy. A
 * notice lost with a node is made up for by the scheduler comparing versions every few seconds.
 */
public final class SessionUpdated implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String sessionId;

  public SessionUpdated(String sessionId) {
    this.sessionId = sessionId;
  }

  public String sessionId() {
    return sessionId;
  }
}
