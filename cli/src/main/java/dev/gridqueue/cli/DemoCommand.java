package dev.gridqueue.cli;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.worker.apps.PiHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gridqueue demo}: the embedded default end to end. One JVM runs a grid node with a local
 * worker on private loopback ports; a thin gRPC client submits a Monte Carlo estimate of pi as
 * independent tasks and prints the estimate and the throughput.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Estimate pi with Monte Carlo tasks on an embedded grid.")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--tasks", description = "Number of tasks (default: ${DEFAULT-VALUE}).")
  int tasks = 1000;

  @Option(names = "--samples", description = "Random points per task (default: ${DEFAULT-VALUE}).")
  long samplesPerTask = 200_000;

  @Option(names = "--batch-size", description = "Tasks per batch (default: ${DEFAULT-VALUE}).")
  int batchSize = 10;

  @Mixin EmbeddedGridOptions embedded = new EmbeddedGridOptions();

  @Override
  public Integer call() throws Exception {
    return embedded.run(this::run);
  }

  private int run(GridQueueClient client) throws InterruptedException {
    System.out.printf(
        "Estimating pi with %,d tasks of %,d samples each...%n", tasks, samplesPerTask);
    ProgressBar progress = new ProgressBar(System.out, tasks, System.console() != null);
    long start = System.nanoTime();
    long hits = 0;
    int failed = 0;
    try (TaskSession session =
        client.openSession(SessionOptions.forApp(PiHandler.APP_ID).batchSize(batchSize).build())) {
      for (int i = 0; i < tasks; i++) {
        session.submit("pi-" + i, PiHandler.task(0x5EED_0000L + i, samplesPerTask));
      }
      session.finishSending();
      for (int done = 1; done <= tasks; done++) {
        TaskResult result = session.take();
        if (result == null) {
          System.err.printf("%nThe result stream ended after %d of %d results.%n", done - 1, tasks);
          return 1;
        }
        if (result.succeeded()) {
          hits += Long.parseLong(new String(result.payload(), StandardCharsets.US_ASCII));
        } else {
          failed++;
        }
        progress.update(done, "");
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long samples = (tasks - failed) * samplesPerTask;
    double pi = 4.0 * hits / samples;
    System.out.printf(
        "pi ~ %.6f (error %+.6f) from %,d samples%n%,d tasks in %.2f s: %,.0f tasks/s%s%n",
        pi,
        pi - Math.PI,
        samples,
        tasks,
        seconds,
        tasks / seconds,
        failed > 0 ? ", " + failed + " FAILED" : "");
    return failed == 0 ? 0 : 1;
  }
}
