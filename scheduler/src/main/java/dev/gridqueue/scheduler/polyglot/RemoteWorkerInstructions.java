package dev.gridqueue.scheduler.polyglot;

import java.io.Serializable;

/**
 * BIND/UNBIND instructions from the scheduler to the grid node a polyglot worker is attached to,
 * sent with Ignite messaging on {@link #TOPIC}.
 */
public final class RemoteWorkerInstructions {
  public static final String TOPIC = "gridqueue.polyglot.instruction";

  /** One instruction for one worker. */
  public static final class Message implements Serializable {
    private static final long serialVersionUID = 1L;
    final String workerId;
    final boolean bind;
    final String sessionId;
    final String appId;
    final long generation;
    final boolean returnUnstarted;

    public Message(
        String workerId, boolean bind, String sessionId, String appId, long generation, boolean returnUnstarted) {
      this.workerId = workerId;
      this.bind = bind;
      this.sessionId = sessionId;
      this.appId = appId;
      this.generation = generation;
      this.returnUnstarted = returnUnstarted;
    }
  }

  private RemoteWorkerInstructions() {}
}
