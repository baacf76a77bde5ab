package dev.gridqueue.grid.store;

import java.util.Objects;

/**
 * What the sessions cache holds for one open session: its app, its attributes as the serialized
 * {@code gridqueue.v1.SessionAttributes} with every default filled in (for the gateway), and what
 * scheduling needs of them, decoded ({@link SessionPolicy}, for the scheduler). {@code version}
 * counts the UpdateSession calls that changed it (0 as created): the scheduler applies a version
 * newer than the one it holds and ignores older ones, whichever order the notices arrive in.
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

  private final long version;

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
    this(sessionId, appId, priority, maxInflightBatchesPerWorker, attributes, policy, owner, 0);
  }

  private SessionRecord(
      String sessionId,
      String appId,
      int priority,
      int maxInflightBatchesPerWorker,
      byte[] attributes,
      SessionPolicy policy,
      String owner,
      long version) {
    this.version = version;
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

  /** How many updates changed the session since it was created. */
  public long version() {
    return version;
  }

  /** This session with updated attributes (already validated), one version later. */
  public SessionRecord updated(
      int priority, int maxInflightBatchesPerWorker, byte[] attributes, SessionPolicy policy) {
    return new SessionRecord(
        sessionId,
        appId,
        priority,
        maxInflightBatchesPerWorker,
        attributes,
        policy,
        owner(),
        version + 1);
  }
}
