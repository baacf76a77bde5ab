package dev.gridqueue.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoCommandIT {
  private record Run(int exit, String out) {}

  /** Runs the command line in this JVM and captures what it prints. */
  private static Run run(String... args) {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      int exit = new CommandLine(new Main()).execute(args);
      return new Run(exit, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(original);
    }
  }

  @Test
  void shouldEstimatePiOnTheEmbeddedGridAndExitZero() {
    // when
    Run run = run("demo", "--tasks", "200", "--samples", "100000");

    // then
    String out = run.out();
    assertThat(run.exit()).as(out).isZero();
    Matcher estimate = Pattern.compile("pi ~ (\\d\\.\\d+)").matcher(out);
    assertThat(estimate.find()).as(out).isTrue();
    assertThat(Double.parseDouble(estimate.group(1)))
        .isCloseTo(Math.PI, org.assertj.core.data.Offset.offset(0.01));
    assertThat(out).contains("200 tasks in").contains("tasks/s");
  }

  @Test
  void shouldSolveTheSystemIterativelyWithOneSharedDataLevelPerIteration() {
    // when
    Run run = run("demo-jacobi", "--n", "300", "--block", "25");

    // then
    String out = run.out();
    assertThat(run.exit()).as(out).isZero();
    assertThat(out).contains("iteration   2 (shared-data level   2)");
    Matcher residual = Pattern.compile("residual max\\|Ax - b\\| = (\\S+)").matcher(out);
    assertThat(residual.find()).as(out).isTrue();
    assertThat(Double.parseDouble(residual.group(1))).isLessThan(1e-8);
  }
}
