package dev.gridqueue.worker.internal.command;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Starts command lines, each in a process group of its own: in a {@link CommandShell} kept from an
 * earlier command when there is one (one shell per command running at once), else in a new one.
 * Where shells cannot run a command as {@code /bin/sh -c} would (no {@code setsid}, an environment
 * variable the shell cannot export), the command gets a process of its own ({@link SpawnedGroup}).
 * Thread-safe.
 */
final class CommandShells {
  /** Names a shell can export; the rest go to a process of their own. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Variables the shell itself sets or reads when starting: a process of its own sees them. */
  private static final Set<String> SHELL_OWN = Set.of("IFS", "PWD", "OLDPWD", "PPID", "OPTIND");

  private final Path dir;
  private final boolean usable;
  private final Deque<CommandShell> idle = new ArrayDeque<>();
  private boolean closed;

  /** Shells started in {@code dir} (they never run a command there: each runs in its sandbox). */
  CommandShells(Path dir) {
    this(dir, GroupSignals.available());
  }

  CommandShells(Path dir, boolean usable) {
    this.dir = dir;
    this.usable = usable;
  }

  /**
   * Starts {@code commandLine} in {@code sandbox} with stdin from /dev/null, stdout and stderr to
   * the given files and {@code env} added to the worker's environment.
   */
  ProcessGroup start(
      Path sandbox, Path stdout, Path stderr, Map<String, String> env, String commandLine)
      throws IOException {
    if (!usable || !shellCanRun(env, commandLine)) {
      ProcessBuilder builder =
          new ProcessBuilder()
              .directory(sandbox.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile());
      builder.environment().putAll(env);
      return SpawnedGroup.start(builder, commandLine);
    }
    String script = script(sandbox, stdout, stderr, env, commandLine);
    for (int attempt = 0; ; attempt++) {
      CommandShell shell = take();
      try {
        shell.send(script);
        return new ShellRun(shell, this);
      } catch (IOException e) {
        shell.close(); // gone since it was last used: one more try with a new shell
        if (attempt > 0) {
          throw e;
        }
      }
    }
  }

  /** Takes a shell back after its command ended by itself. */
  void release(CommandShell shell) {
    synchronized (idle) {
      if (!closed && shell.isAlive()) {
        idle.push(shell);
        return;
      }
    }
    shell.close();
  }

  /** Ends the idle shells; shells released from now on end too. */
  void close() {
    synchronized (idle) {
      closed = true;
      idle.forEach(CommandShell::close);
      idle.clear();
    }
  }

  private CommandShell take() throws IOException {
    synchronized (idle) {
      CommandShell shell = idle.poll();
      if (shell != null) {
        return shell;
      }
    }
    return CommandShell.start(dir);
  }

  /** What a shell runs to run the command as {@code /bin/sh -c} would, in a subshell. */
  static String script(
      Path sandbox, Path stdout, Path stderr, Map<String, String> env, String commandLine) {
    StringBuilder s = new StringBuilder("( cd ").append(quote(sandbox.toString())).append(" &&");
    if (!env.isEmpty()) {
      s.append(" export");
      env.forEach((k, v) -> s.append(' ').append(k).append('=').append(quote(v)));
      s.append(" &&");
    }
    return s.append(" eval ")
        .append(quote(commandLine))
        .append(" ) </dev/null >")
        .append(quote(stdout.toString()))
        .append(" 2>")
        .append(quote(stderr.toString()))
        .toString();
  }

  static boolean shellCanRun(Map<String, String> env, String commandLine) {
    if (commandLine.indexOf('\0') >= 0) {
      return false;
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (!NAME.matcher(e.getKey()).matches()
          || SHELL_OWN.contains(e.getKey())
          || e.getValue().indexOf('\0') >= 0) {
        return false;
      }
    }
    return true;
  }

  /** {@code s} in single quotes, which keep every character but the quote itself. */
  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
