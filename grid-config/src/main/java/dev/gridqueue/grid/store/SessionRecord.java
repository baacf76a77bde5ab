package dev.gridqueue.grid.store;

import java.util.Objects;

/**
 * What the sessions cache holds for one open session: its app, and its attributes as the
 * serialized {@code gridqueue.v1.SessionAttributes} with every default filled in.
 */
public final class SessionRecord {
  private final String sessionId;
  private final String appId;
  private final int priority;
  private final int maxInflightBatchesPerWorker;
  private final byte[] attributes;

  public SessionRecord(
      String sessionId, String appId, int priority, int maxInflightBatchesPerWorker, byte[] attributes) {
    this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
    this.appId = Objects.requireNonNull(appId, "appId");
    this.priority = priority;
    this.maxInflightBatchesPerWorker = maxInflightBatchesPerWorker;
    this.attributes = Objects.requireNonNull(attributes, "attributes");
  }

  public String sessionId() {
    return sessionId;
  }

  public String appId() {
    return appId;
  }

  public int priority() {
    return priority;
  }

  public int maxInflightBatchesPerWorker() {
    return maxInflightBatchesPerWorker;
  }

  public byte[] attributes() {
    return attributes;
  }
}
