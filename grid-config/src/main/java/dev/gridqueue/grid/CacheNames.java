package dev.gridqueue.grid;

/** Names of the Ignite caches gridqueue keeps its state in. */
public final class CacheNames {
  /** Session records, keyed by session id. Replicated: every grid node reads them locally. */
  public static final String SESSIONS = "gq-sessions";

  /**
   * Task batches from acceptance to delivery, keyed by batch key. Partitioned with backups: a batch
   * lives here while queued, running and done-but-undelivered, and is removed on delivery.
   */
  public static final String BATCHES = "gq-batches";

  /**
   * Versioned shared data: per session the latest level, and per level a header and the payload in
   * chunks. Partitioned with backups; workers read it through a near cache.
   */
  public static final String SHARED_DATA = "gq-shared-data";

  /**
   * The file store of command tasks: per session, files by SHA-256 ({@code store.StoredFile}) and
   * their chunks. Partitioned with backups; entries expire after {@code ContractLimits.FILE_TTL},
   * and leave with their session.
   */
  public static final String FILES = "gq-files";

  /**
   * Cancellations, keyed by session id: a {@code store.CancelSet} of task ids and tags (or all).
   * Replicated; every session has one from creation, so worker nodes read it from their near cache
   * before each batch.
   */
  public static final String CANCELLATIONS = "gq-cancellations";

  /**
   * Polyglot workers (gRPC worker protocol) registered on the grid's nodes, keyed by worker id.
   * Replicated; the scheduler learns of them here.
   */
  public static final String REMOTE_WORKERS = "gq-remote-workers";

  /**
   * When each session last had a client attached (epoch millis), keyed by session id; refreshed by
   * the grid nodes every few seconds, read by the idle-timeout janitor. Replicated.
   */
  public static final String SESSION_ACTIVITY = "gq-session-activity";

  /**
   * Where each session's streams are attached, keyed by {@code store.StreamAttachments} keys: the
   * grid node id holding the session's result stream, and the one holding its dead-letter stream.
   * Replicated: every node's result feed reads it locally to route done batches to the node whose
   * client waits for them.
   */
  public static final String STREAM_ATTACHMENTS = "gq-stream-attachments";

  /**
   * The scheduler's own facts that must outlive its node: which node it runs on ({@code
   * notice.SchedulerLocation}) and its task counters for the grid and per session, checkpointed
   * every second ({@code store.TaskCounters}). Replicated.
   */
  public static final String SCHEDULER = "gq-scheduler";

  private CacheNames() {}
}
