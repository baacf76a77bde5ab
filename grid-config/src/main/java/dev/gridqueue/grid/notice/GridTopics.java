package dev.gridqueue.grid.notice;

/**
 * Ignite message topics of the grid's notices: how grid nodes tell each other about batches instead
 * of continuous queries, whose events were seen to go missing (see {@link BatchesQueued}). A notice
 * that is lost (its receiver died) is found again by the scheduler's grid census within seconds.
 */
public final class GridTopics {
  /** Batches accepted by a grid node, to the scheduler: a {@link BatchesQueued}. */
  public static final String BATCHES_QUEUED = "gq-batches-queued";

  /**
   * A batch's results or dead letters written, to the node serving its session: a {@link
   * BatchEnded}.
   */
  public static final String BATCH_ENDED = "gq-batch-ended";

  /** BIND/UNBIND from the scheduler to a worker's grid node: a {@link WorkerInstruction}. */
  public static final String WORKER_INSTRUCTIONS = "gq-worker-instructions";

  /** A session's attributes changed, to the scheduler: a {@link SessionUpdated}. */
  public static final String SESSION_UPDATED = "gq-session-updated";

  private GridTopics() {}
}
