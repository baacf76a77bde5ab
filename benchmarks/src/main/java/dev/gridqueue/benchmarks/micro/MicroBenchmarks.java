package dev.gridqueue.benchmarks.micro;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.ProfilersFailedException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH micro-benchmarks of {@code benchmarks.jar} (its main class): JMH's own command line
 * ({@code -f}, {@code -wi}, {@code -i}, {@code -p}, include regexes, {@code -l}, {@code -h}, ...)
 * with the Ignite JVM flags of the parent POM's {@code ignite.jvm.flags} appended to every fork,
 * since a fork without them cannot start an Ignite node. Unless given on the command line: 1 fork,
 * 3 warm-up iterations of 2 s, 5 measured iterations of 2 s.
 */
public final class MicroBenchmarks {
  /** Filtered at build time from the parent POM's {@code ignite.jvm.flags}. */
  private static final String FLAGS_RESOURCE = "ignite-jvm.flags";

  private MicroBenchmarks() {}

  public static void main(String[] args) throws IOException {
    CommandLineOptions cli;
    try {
      cli = new CommandLineOptions(args);
    } catch (CommandLineOptionException e) {
      System.err.println("Error parsing command line: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runner runner = new Runner(withIgniteDefaults(cli));
    if (cli.shouldHelp()) {
      cli.showHelp();
      return;
    }
    if (cli.shouldList()) {
      runner.list();
      return;
    }
    if (cli.shouldListWithParams()) {
      runner.listWithParams(cli);
      return;
    }
    if (cli.shouldListProfilers()) {
      cli.listProfilers();
      return;
    }
    if (cli.shouldListResultFormats()) {
      cli.listResultFormats();
      return;
    }
    try {
      runner.run();
    } catch (NoBenchmarksException e) {
      System.err.println("No matching benchmarks; list them with -l.");
      System.exit(1);
    } catch (ProfilersFailedException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    } catch (RunnerException e) {
      e.printStackTrace(System.err);
      System.exit(1);
    }
  }

  /** The command line's options, plus the Ignite flags and this project's defaults. */
  static org.openjdk.jmh.runner.options.Options withIgniteDefaults(CommandLineOptions cli)
      throws IOException {
    List<String> append = new ArrayList<>(cli.getJvmArgsAppend().orElse(List.of()));
    append.addAll(igniteJvmFlags());
    ChainedOptionsBuilder options =
        new OptionsBuilder().parent(cli).jvmArgsAppend(append.toArray(new String[0]));
    if (!cli.getForkCount().hasValue()) {
      options.forks(1);
    }
    if (!cli.getWarmupIterations().hasValue()) {
      options.warmupIterations(3);
    }
    if (!cli.getWarmupTime().hasValue()) {
      options.warmupTime(TimeValue.seconds(2));
    }
    if (!cli.getMeasurementIterations().hasValue()) {
      options.measurementIterations(5);
    }
    if (!cli.getMeasurementTime().hasValue()) {
      options.measurementTime(TimeValue.seconds(2));
    }
    return options.build();
  }

  /** The whitespace-separated flags of {@value #FLAGS_RESOURCE}. */
  static List<String> igniteJvmFlags() throws IOException {
    try (InputStream in = MicroBenchmarks.class.getResourceAsStream(FLAGS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "resource " + FLAGS_RESOURCE + " missing from the classpath");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      if (text.isEmpty() || text.contains("${")) {
        throw new IllegalStateException(
            "resource "
                + FLAGS_RESOURCE
                + " was not filtered by Maven: expected the Ignite JVM flags, got '"
                + text
                + "'");
      }
      return Arrays.asList(text.split("\\s+"));
    }
  }
}
