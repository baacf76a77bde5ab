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
  @Test
  void shouldEstimatePiOnTheEmbeddedGridAndExitZero() {
    // given
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int exit;

    // when
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      exit = new CommandLine(new Main()).execute("demo", "--tasks", "200", "--samples", "100000");
    } finally {
      System.setOut(original);
    }

    // then
    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(out).isZero();
    Matcher estimate = Pattern.compile("pi ~ (\\d\\.\\d+)").matcher(out);
    assertThat(estimate.find()).as(out).isTrue();
    assertThat(Double.parseDouble(estimate.group(1))).isCloseTo(Math.PI, org.assertj.core.data.Offset.offset(0.01));
    assertThat(out).contains("200 tasks in").contains("tasks/s");
  }

  @Test
  void shouldSolveTheSystemIterativelyWithOneSharedDataLevelPerIteration() {
    // given
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int exit;

    // when
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      exit = new CommandLine(new Main()).execute("demo-jacobi", "--n", "300", "--block", "25");
    } finally {
      System.setOut(original);
    }

    // then
    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(out).isZero();
    assertThat(out).contains("iteration   2 (shared-data level   2)");
    Matcher residual = Pattern.compile("residual max\\|Ax - b\\| = (\\S+)").matcher(out);
    assertThat(residual.find()).as(out).isTrue();
    assertThat(Double.parseDouble(residual.group(1))).isLessThan(1e-8);
  }
}
