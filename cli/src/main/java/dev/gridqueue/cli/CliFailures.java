package dev.gridqueue.cli;

import dev.gridqueue.client.GridQueueException;
import dev.gridqueue.server.GridServerStartException;
import dev.gridqueue.worker.HandlerLoadException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Turns a command's failure into one line saying what went wrong and why, and an exit code (see
 * {@link ExitCodes}): a user who typed a wrong port needs the port and the cause, not 30 lines of
 * stack. {@code --log-level DEBUG} adds the stack trace for a bug report.
 */
final class CliFailures implements CommandLine.IExecutionExceptionHandler {
  /** A command talking to grid nodes: its addresses name the node that did not answer. */
  interface TalksToGrid {
    GridConnection connection();
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
    PrintWriter err = command.getErr();
    String prefix = "gridqueue " + command.getCommandName() + ": ";
    int code;
    if (e instanceof HandlerLoadException) {
      err.println(prefix + e.getMessage());
      code = ExitCodes.USAGE;
    } else if (e instanceof GridServerStartException) {
      err.println(prefix + e.getMessage());
      code = ExitCodes.UNAVAILABLE;
    } else if (status(e) != null) {
      Status status = status(e);
      if (status.getCode() == Status.Code.UNAVAILABLE) {
        err.println(
            prefix
                + "no grid node answered at "
                + addresses(command)
                + " ("
                + rootCause(status)
                + "); is `gridqueue server` running there?");
        code = ExitCodes.UNAVAILABLE;
      } else {
        err.println(
            prefix
                + "the grid refused the call: "
                + status.getCode()
                + (status.getDescription() == null ? "" : ": " + status.getDescription()));
        code = ExitCodes.FAILED;
      }
    } else if (e instanceof IllegalArgumentException) {
      err.println(prefix + e.getMessage());
      code = ExitCodes.USAGE;
    } else {
      err.println(prefix + "failed: " + e + rootCauseSuffix(e));
      code = ExitCodes.FAILED;
    }
    if (LogLevel.debugging()) {
      e.printStackTrace(err);
    } else if (code == ExitCodes.FAILED && status(e) == null) {
      err.println("(run with --log-level DEBUG for the stack trace)");
    }
    err.flush();
    return code;
  }

  private static Status status(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof GridQueueException g) {
        return g.status();
      }
      if (t instanceof StatusRuntimeException s) {
        return s.getStatus();
      }
    }
    return null;
  }

  private static String rootCause(Status status) {
    Throwable cause = status.getCause();
    if (cause == null) {
      return status.getDescription() == null ? "unavailable" : status.getDescription();
    }
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  private static String rootCauseSuffix(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root == e ? "" : " (caused by " + root + ")";
  }

  private static String addresses(CommandLine command) {
    return command.getCommand() instanceof TalksToGrid t
        ? t.connection().describe()
        : "the given address";
  }
}
