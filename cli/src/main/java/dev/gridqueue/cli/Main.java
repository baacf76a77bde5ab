package dev.gridqueue.cli;

import java.io.PrintWriter;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code gridqueue} command line. */
@Command(
    name = "gridqueue",
    mixinStandardHelpOptions = true,
    version = "gridqueue 0.1.0",
    description = "A distributed task queue on Apache Ignite.",
    footer = {
      "",
      "Also: ./gridqueue bench [--help]  end-to-end benchmark (run by the launcher from"
          + " benchmarks/target/benchmarks.jar).",
      "Exit codes: 0 done, 1 the work failed, 2 bad usage, 3 no grid node answered / a port is"
          + " taken.%n"
    },
    subcommands = {
      DemoCommand.class,
      JacobiDemoCommand.class,
      ServerCommand.class,
      WorkerCommand.class,
      StatusCommand.class,
      SessionsCommand.class,
      SubmitCommand.class,
      ChaosCommand.class,
      SoakCommand.class,
      CertsCommand.class,
      PlotCommand.class
    })
public final class Main implements Runnable {
  // Read by LogLevel before picocli runs (logback reads it once); declared here for help/parsing.
  @Option(
      names = "--log-level",
      scope = ScopeType.INHERIT,
      paramLabel = "LEVEL",
      description =
          "ERROR, WARN, INFO (default for server and worker), DEBUG or TRACE: gridqueue's own log"
              + " lines; DEBUG also prints stack traces of failures.")
  String logLevel;

  public static void main(String[] args) {
    String badLevel = LogLevel.apply(args);
    if (badLevel != null) {
      System.err.println("gridqueue: " + badLevel);
      System.exit(ExitCodes.USAGE);
    }
    // Our shutdown hooks stop nodes in order (health NOT_SERVING, gRPC drained, then Ignite);
    // Ignite's own hook would stop Ignite under them, and they would fail with a stack trace.
    System.setProperty("IGNITE_NO_SHUTDOWN_HOOK", "true");
    // gRPC logs through java.util.logging: route it to slf4j so one configuration rules all.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(commandLine().execute(args));
  }

  /** The command line with its failure handling (tests run it in-process). */
  static CommandLine commandLine() {
    return new CommandLine(new Main())
        .setExecutionExceptionHandler(new CliFailures())
        .setParameterExceptionHandler(Main::onBadUsage);
  }

  /** A bad option: the reason and where to read more, not the whole usage text. */
  private static int onBadUsage(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    err.println(e.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for the options.");
    err.flush();
    return ExitCodes.USAGE;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
