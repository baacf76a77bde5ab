package dev.gridqueue.cli;

import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

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
      SubmitCommand.class
    })
public final class Main implements Runnable {
  public static void main(String[] args) {
    if (args.length > 0 && args[0].startsWith("demo") && System.getProperty("gridqueue.log.level") == null) {
      System.setProperty("gridqueue.log.level", "WARN"); // before the first logger exists
      System.setProperty("gridqueue.ignite.log.level", "ERROR");
    }
    // gRPC logs through java.util.logging: route it to slf4j so one configuration rules all.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
