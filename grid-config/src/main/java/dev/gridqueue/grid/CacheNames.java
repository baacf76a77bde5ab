package dev.gridqueue.grid;

/** Names of the Ignite caches gridqueue keeps its state in. */
public final class CacheNames {
  /** Session records, keyed by session id. Replicated: every grid node reads them locally. */
  public static final String SESSIONS = "gq-sessions";

  /**
   * Task batches from acceptance to delivery, keyed by batch key. Partitioned with backups: a
   * batch lives here while queued, running and done-but-undelivered, and is removed on delivery.
   */
  public static final String BATCHES = "gq-batches";

  private CacheNames() {}
}
