package dev.gridqueue.grid.store;

import java.util.Objects;

/**
 * What the sessions cache holds for one open session: its app, its attributes as the serialized
 * {@code gridqueue.v1.SessionAttributes} with every default filled in (for the gateway), and what
 * scheduling needs of them, decoded ({@link SessionPolicy}, for the scheduler).
 */
public final class SessionRecord {
  private final String sessionId;
  private final String appId;
  private final int priority;
  private final int maxInflightBatchesPerWorker;
  private final byte[] attributes;
  private final SessionPolicy policy;

  /** The name of the API key that created the session ("" on a grid without keys). */
  private final String owner;

  public SessionRecord(
      String sessionId,
      String appId,
      int priority,
      int maxInflightBatchesPerWorker,
      byte[] attributes,
      SessionPolicy policy) {
    this(sessionId, appId, priority, maxInflightBatchesPerWorker, attributes, policy, "");
  }

  public SessionRecord(
      String sessionId,
      String appId,
      int priority,
      int maxInflightBatchesPerWorker,
      byte[] attributes,
      SessionPolicy policy,
      String owner) {
    this.owner = Objects.requireNonNull(owner, "owner");
    this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
    this.appId = Objects.requireNonNull(appId, "appId");
    this.priority = priority;
    this.maxInflightBatchesPerWorker = maxInflightBatchesPerWorker;
    this.attributes = Objects.requireNonNull(attributes, "attributes");
    this.policy = Objects.requireNonNull(policy, "policy");
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

  /** The serialized {@code gridqueue.v1.SessionAttributes}, defaults filled in. */
  public byte[] attributes() {
    return attributes;
  }

  public SessionPolicy policy() {
    return policy;
  }

  /** The name of the API key that created the session ("" on a grid without keys). */
  public String owner() {
    return owner == null ? "" : owner; // null in records stored before owners existed
  }
}
