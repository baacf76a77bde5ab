package dev.gridqueue.cli;

import dev.gridqueue.client.GridQueueClient;
import dev.gridqueue.client.SessionOptions;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.worker.apps.JacobiHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gridqueue demo-jacobi}: iterative convergence with shared data. Each iteration uploads the
 * current solution vector as the next shared-data update level, sends one task per block of rows
 * that reads that level, and assembles the next vector from the results, until it stops changing.
 */
@Command(
    name = "demo-jacobi",
    mixinStandardHelpOptions = true,
    description = "Solve a linear system by Jacobi iteration, one shared-data level per iteration.")
final class JacobiDemoCommand implements Callable<Integer> {
  @Option(names = "--n", description = "Unknowns (default: ${DEFAULT-VALUE}).")
  int n = 2000;

  @Option(names = "--block", description = "Rows per task (default: ${DEFAULT-VALUE}).")
  int block = 50;

  @Option(
      names = "--tolerance",
      description = "Stop when no unknown changes more (default: ${DEFAULT-VALUE}).")
  double tolerance = 1e-10;

  @Option(
      names = "--max-iterations",
      description = "Give up after this many (default: ${DEFAULT-VALUE}).")
  // The default system (n 2000, tolerance 1e-10) converges in 265 iterations: each contracts the
  // error by about 15/16, the share of a row's weight off the diagonal.
  int maxIterations = 500;

  @Mixin EmbeddedGridOptions embedded = new EmbeddedGridOptions();

  @Override
  public Integer call() throws Exception {
    return embedded.run(this::solve);
  }

  private int solve(GridQueueClient client) throws Exception {
    double[] x = new double[n];
    long start = System.nanoTime();
    try (TaskSession session =
        client.openSession(
            SessionOptions.forApp(JacobiHandler.APP_ID).batchSize(block > 0 ? 10 : 1).build())) {
      session.sharedData().set(1, JacobiHandler.encode(x), Duration.ofMinutes(10));
      for (int level = 1; level <= maxIterations; level++) {
        if (level > 1) {
          session.sharedData().update(level, JacobiHandler.encode(x), Duration.ofMinutes(10));
        }
        double[] next = iterate(session, level);
        double change = maxChange(x, next);
        x = next;
        System.out.printf(
            "iteration %3d (shared-data level %3d): largest change %.3e%n", level, level, change);
        if (change < tolerance) {
          double seconds = (System.nanoTime() - start) / 1e9;
          System.out.printf(
              "converged after %d iterations in %.2f s; residual max|Ax - b| = %.3e%n",
              level, seconds, residual(x));
          return 0;
        }
      }
    }
    System.err.printf("no convergence within %d iterations%n", maxIterations);
    return 1;
  }

  private double[] iterate(TaskSession session, int level) throws Exception {
    session.useSharedData(level);
    int tasks = 0;
    for (int from = 0; from < n; from += block) {
      int to = Math.min(n, from + block);
      session.submit(
          from + "-" + level, (n + " " + from + " " + to).getBytes(StandardCharsets.US_ASCII));
      tasks++;
    }
    session.flush();
    double[] next = new double[n];
    for (TaskResult r : session.awaitResults(tasks, Duration.ofMinutes(5))) {
      if (!r.succeeded()) {
        throw new IllegalStateException("task " + r.taskId() + " failed: " + r.error());
      }
      int from = Integer.parseInt(r.taskId().substring(0, r.taskId().indexOf('-')));
      double[] rows = JacobiHandler.decode(r.payload());
      System.arraycopy(rows, 0, next, from, rows.length);
    }
    return next;
  }

  private static double maxChange(double[] a, double[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  private double residual(double[] x) {
    double max = 0;
    for (int i = 0; i < n; i++) {
      double offDiagonal = 0;
      double sum = 0;
      for (int j = 0; j < n; j++) {
        if (j != i) {
          double a = JacobiHandler.coefficient(i, j);
          offDiagonal += a;
          sum += a * x[j];
        }
      }
      max = Math.max(max, Math.abs(sum + (1 + offDiagonal) * x[i] - 1.0));
    }
    return max;
  }
}
