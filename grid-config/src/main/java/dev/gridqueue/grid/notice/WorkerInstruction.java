package dev.gridqueue.grid.notice;

import java.io.Serializable;

/**
 * A BIND or UNBIND from the scheduler to the grid node a worker runs on (a JVM worker) or is
 * attached to (a polyglot worker), on {@link GridTopics#WORKER_INSTRUCTIONS}. UNBIND of binding
 * {@code generation} with {@code returnUnstarted}: batches of that binding the worker has not
 * started go back to the scheduler. The node's workers each take the instructions naming them.
 */
public final class WorkerInstruction implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String workerId;
  private final boolean bind;
  private final String sessionId;
  private final String appId;
  private final long generation;
  private final boolean returnUnstarted;

  public WorkerInstruction(
      String workerId,
      boolean bind,
      String sessionId,
      String appId,
      long generation,
      boolean returnUnstarted) {
    this.workerId = workerId;
    this.bind = bind;
    this.sessionId = sessionId;
    this.appId = appId;
    this.generation = generation;
    this.returnUnstarted = returnUnstarted;
  }

  public String workerId() {
    return workerId;
  }

  public boolean bind() {
    return bind;
  }

  public String sessionId() {
    return sessionId;
  }

  public String appId() {
    return appId;
  }

  public long generation() {
    return generation;
  }

  public boolean returnUnstarted() {
    return returnUnstarted;
  }
}
