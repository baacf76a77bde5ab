package dev.gridqueue.worker.internal.command;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code /bin/sh} kept running to start command lines, one at a time, each in a subshell it forks
 * ({@code ( cd SANDBOX && eval 'LINE' )}): starting a command then costs a fork of a small shell
 * instead of the JVM spawning {@code setsid} and {@code /bin/sh} (two programs loaded, ~3× the wall
 * time on a loaded machine). The shell leads a process group of its own ({@code setsid}), so the
 * group holds the shell and the one command it runs: stopping the command stops the group, shell
 * included, and the shell is not used again.
 *
 * <p>Protocol: the worker writes one script per command on the shell's stdin; the shell answers
 * {@code gq-exit SEQ STATUS} on its stdout when the command's subshell ends. A reader thread turns
 * the answers into {@link #poll} results. Anything else the shell writes (its own errors: a
 * redirection that failed) is logged.
 */
final class CommandShell {
  private static final Logger LOG = LoggerFactory.getLogger(CommandShell.class);
  private static final String ANSWER = "gq-exit ";

  /** What {@link #poll} returns when the shell ended without answering. */
  static final long ENDED = Long.MIN_VALUE;

  private final Process process;
  private final OutputStream stdin;
  private final BlockingQueue<Long> answers = new LinkedBlockingQueue<>();
  private volatile long sequence;
  private long cpuNanosBeforeLast;

  private CommandShell(Process process) {
    this.process = process;
    this.stdin = process.getOutputStream();
  }

  /** Starts a shell in {@code dir}, in a process group of its own. */
  static CommandShell start(Path dir) throws IOException {
    Process p =
        new ProcessBuilder(List.of(GroupSignals.SETSID.toString(), "/bin/sh", "-s"))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    CommandShell shell = new CommandShell(p);
    Thread reader = new Thread(shell::readAnswers, "gridqueue-command-shell-" + p.pid());
    reader.setDaemon(true);
    reader.start();
    return shell;
  }

  Process process() {
    return process;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Sends one command's script; its answer is the next {@link #poll} result.
   *
   * @throws IOException if the shell is gone
   */
  void send(String script) throws IOException {
    cpuNanosBeforeLast = ProcessTree.cpuNanos(process.pid());
    sequence++;
    answers.clear();
    byte[] bytes =
        (script + "; echo \"" + ANSWER + sequence + " $?\"\n").getBytes(StandardCharsets.UTF_8);
    stdin.write(bytes);
    stdin.flush();
  }

  /** The shell's CPU time (its earlier commands included) when the last command was sent. */
  long cpuNanosBeforeLast() {
    return cpuNanosBeforeLast;
  }

  /**
   * The exit status of the command sent last, waiting up to {@code millis}; null if it has not
   * ended, {@link #ENDED} if the shell ended without answering (killed, or the command killed it).
   */
  Long poll(long millis) throws InterruptedException {
    return answers.poll(millis, TimeUnit.MILLISECONDS);
  }

  /** Ends an idle shell: closing its stdin ends it. */
  void close() {
    try {
      stdin.close();
    } catch (IOException e) {
      process.destroy();
    }
  }

  private void readAnswers() {
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        Long status = status(line);
        if (status != null) {
          answers.add(status);
        } else {
          LOG.warn("command shell {}: {}", process.pid(), line);
        }
      }
    } catch (IOException e) {
      // the shell is gone
    }
    answers.add(ENDED);
  }

  /** The status in an answer to the command sent last, else null. */
  private Long status(String line) {
    if (!line.startsWith(ANSWER)) {
      return null;
    }
    String[] parts = line.substring(ANSWER.length()).split(" ");
    try {
      if (parts.length == 2 && Long.parseLong(parts[0]) == sequence) {
        return Long.parseLong(parts[1]);
      }
    } catch (NumberFormatException e) {
      // not an answer
    }
    return null;
  }
}
