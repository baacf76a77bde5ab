package dev.gridqueue.worker;

import dev.gridqueue.grid.GridNodes;
import dev.gridqueue.grid.GridOptions;
import org.apache.ignite.Ignite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-alone worker: an Ignite client node that advertises its apps and slots and runs the
 * batches the scheduler sends it. Closing it leaves the grid; the scheduler re-queues whatever it
 * was running.
 */
public final class WorkerNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerNode.class);

  private final Ignite ignite;
  private final WorkerRuntime runtime;

  private WorkerNode(Ignite ignite, WorkerRuntime runtime) {
    this.ignite = ignite;
    this.runtime = runtime;
  }

  /** Joins the grid that {@code grid}'s seed addresses reach, as a client node. */
  public static WorkerNode start(GridOptions grid, WorkerOptions worker) {
    WorkerRuntime runtime = WorkerRuntime.create(worker);
    GridOptions clientOptions =
        grid.toBuilder()
            .clientMode(true)
            .userAttributes(runtime.nodeAttributes())
            .publicThreadPoolSize(runtime.jobThreads())
            .build();
    Ignite ignite = GridNodes.start(clientOptions);
    runtime.installOn(ignite);
    LOG.info(
        "worker {} joined the grid with {} slots, apps {}",
        worker.workerId(),
        worker.slots(),
        runtime.nodeAttributes().get(dev.gridqueue.grid.work.WorkerDescriptor.ATTR_APPS));
    return new WorkerNode(ignite, runtime);
  }

  public String workerId() {
    return runtime.options().workerId();
  }

  /** The worker's runtime: its options and its shared-data access. */
  public WorkerRuntime runtime() {
    return runtime;
  }

  public Ignite ignite() {
    return ignite;
  }

  @Override
  public void close() {
    ignite.close();
  }
}
