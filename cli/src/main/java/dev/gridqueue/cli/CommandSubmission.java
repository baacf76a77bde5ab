package dev.gridqueue.cli;

import dev.gridqueue.client.CommandTask;
import dev.gridqueue.client.TaskResult;
import dev.gridqueue.client.TaskSession;
import dev.gridqueue.proto.v1.ResultCode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs command tasks in an open session of app {@code command} and tells how they ended: a progress
 * bar, the first failures with their reason, exit code and stderr, and whether every task succeeded
 * (ran to its end with exit code 0).
 */
final class CommandSubmission {
  private static final int FAILURES_SHOWN = 5;

  private final PrintStream out;

  CommandSubmission(PrintStream out) {
    this.out = out;
  }

  /** True when every task ran to its end with exit code 0 within {@code timeout}. */
  boolean run(TaskSession session, List<CommandTaskFile.Entry> tasks, Duration timeout)
      throws InterruptedException {
    long started = System.nanoTime();
    Map<String, CommandTask> byId = new LinkedHashMap<>();
    tasks.forEach(e -> byId.put(e.id(), e.task()));
    session.submitAll(byId); // the first tasks run while later inputs upload
    session.finishSending();
    ProgressBar progress = new ProgressBar(out, tasks.size(), System.console() != null);
    Set<String> seen = new HashSet<>();
    int ok = 0;
    int failed = 0;
    long deadline = System.nanoTime() + timeout.toNanos();
    ResultWait results = new ResultWait(session, out);
    while (seen.size() < tasks.size() && System.nanoTime() < deadline && !results.closed()) {
      TaskResult r = results.next();
      if (r == null || !seen.add(r.taskId())) {
        continue;
      }
      if (r.commandSucceeded()) {
        ok++;
      } else {
        failed++;
        if (failed <= FAILURES_SHOWN) {
          out.println(describe(r));
        }
      }
      progress.update(seen.size(), failed > 0 ? failed + " failed" : "");
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    out.printf(
        "ended: %,d succeeded, %,d failed, %,d missing; %.1f s (%.0f tasks/s)%n",
        ok, failed, tasks.size() - seen.size(), seconds, seen.size() / Math.max(seconds, 1e-9));
    return ok == tasks.size();
  }

  private static String describe(TaskResult r) {
    StringBuilder s = new StringBuilder("task ").append(r.taskId()).append(": ");
    if (r.resultCode() == ResultCode.RESULT_SUCCESS) {
      s.append("exit code ").append(r.exitCode());
    } else {
      s.append(r.resultCode().name().replace("RESULT_", "")).append(": ").append(r.error());
    }
    String stderr = r.stderr().strip();
    if (!stderr.isEmpty()) {
      s.append("\n  stderr: ")
          .append(stderr.length() > 500 ? stderr.substring(0, 500) + "..." : stderr);
    }
    return s.toString();
  }
}
