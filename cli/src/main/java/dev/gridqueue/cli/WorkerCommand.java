package dev.gridqueue.cli;

import dev.gridqueue.worker.WorkerNode;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gridqueue worker}: a worker node joining an existing grid, until interrupted. */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = "Join a grid as a worker node.")
final class WorkerCommand implements Callable<Integer> {
  @Mixin GridAddressOptions grid = new GridAddressOptions();
  @Mixin WorkerSettings worker = new WorkerSettings();

  @Override
  public Integer call() throws Exception {
    if (grid.seeds.isEmpty() && grid.k8sService == null) {
      grid.seeds =
          java.util.List.of(grid.host + ":" + grid.discoveryPort + ".." + (grid.discoveryPort + 9));
    }
    String where =
        grid.k8sService != null
            ? "Kubernetes service " + grid.k8sNamespace + "/" + grid.k8sService
            : String.join(",", grid.seeds);
    System.out.printf("gridqueue worker: joining the grid at %s ...%n", where);
    WorkerNode node;
    try (JoinWatch watch = JoinWatch.every(java.time.Duration.ofSeconds(10), where)) {
      node =
          WorkerNode.start(
              grid.toGridOptions("gridqueue-worker-" + ProcessHandle.current().pid()).build(),
              worker.toWorkerOptions());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  node.close();
                  stopped.countDown();
                },
                "gridqueue-shutdown"));
    System.out.printf("gridqueue worker %s joined the grid; Ctrl+C to leave.%n", node.workerId());
    stopped.await();
    return 0;
  }
}
