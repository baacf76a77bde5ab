package dev.gridqueue.cli;

import dev.gridqueue.worker.HandlerLoadException;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;

/** The {@code gridqueue} command line. */
@Command(
    name = "gridqueue",
    mixinStandardHelpOptions = true,
    version = "gridqueue 0.1.0",
    description = "A distributed task queue on Apache Ignite.",
    subcommands = {
      DemoCommand.class,
      JacobiDemoCommand.class,
      ServerCommand.class,
      WorkerCommand.class,
      StatusCommand.class,
      ChaosCommand.class,
      SoakCommand.class,
      SubmitCommand.class,
      CertsCommand.class
    })
public final class Main implements Runnable {
  public static void main(String[] args) {
    if (args.length > 0
        && args[0].startsWith("demo")
        && System.getProperty("gridqueue.log.level") == null) {
      System.setProperty("gridqueue.log.level", "WARN"); // before the first logger exists
      System.setProperty("gridqueue.ignite.log.level", "ERROR");
    }
    // gRPC logs through java.util.logging: route it to slf4j so one configuration rules all.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(
        new CommandLine(new Main()).setExecutionExceptionHandler(Main::onFailure).execute(args));
  }

  /**
   * A worker whose handlers cannot be set up (missing directory, unreadable jar, two handlers of
   * one app) says so in one line and exits 2, like a bad option: the message names the files, a
   * stack trace would only bury it. Everything else keeps picocli's report.
   */
  private static int onFailure(Exception e, CommandLine command, ParseResult parsed)
      throws Exception {
    // A bad task (an input that does not exist, a name outside the sandbox, a malformed task
    // file) is the user's input, said in one line like a bad option.
    if (e instanceof HandlerLoadException
        || e instanceof IllegalArgumentException && "submit".equals(command.getCommandName())) {
      command.getErr().println("gridqueue " + command.getCommandName() + ": " + e.getMessage());
      return CommandLine.ExitCode.USAGE;
    }
    throw e;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
