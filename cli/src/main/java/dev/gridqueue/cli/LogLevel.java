package dev.gridqueue.cli;

import java.util.Locale;
import java.util.Set;

/**
 * {@code --log-level}: the level of gridqueue's own loggers (Ignite's stay at WARN, or INFO with
 * DEBUG and TRACE). Read from the arguments before the first logger exists: logback reads the level
 * once, when it starts.
 */
final class LogLevel {
  static final String PROPERTY = "gridqueue.log.level";
  private static final Set<String> LEVELS = Set.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE");

  private LogLevel() {}

  /**
   * Sets the level from {@code --log-level X} or {@code --log-level=X} in {@code args}, else from
   * the command's default; returns an error message for an unknown level, else null.
   */
  static String apply(String[] args) {
    String level = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--log-level") && i + 1 < args.length) {
        level = args[i + 1];
      } else if (args[i].startsWith("--log-level=")) {
        level = args[i].substring("--log-level=".length());
      }
    }
    if (level != null) {
      String upper = level.toUpperCase(Locale.ROOT);
      if (!LEVELS.contains(upper)) {
        return "--log-level must be one of ERROR, WARN, INFO, DEBUG, TRACE; got '" + level + "'";
      }
      System.setProperty(PROPERTY, upper);
      if (upper.equals("DEBUG") || upper.equals("TRACE")) {
        System.setProperty("gridqueue.ignite.log.level", "INFO");
      }
    } else if (args.length > 0
        && args[0].startsWith("demo")
        && System.getProperty(PROPERTY) == null) {
      // The demos print their own progress: only warnings from the grid underneath.
      System.setProperty(PROPERTY, "WARN");
      System.setProperty("gridqueue.ignite.log.level", "ERROR");
    }
    return null;
  }

  static boolean debugging() {
    String level = System.getProperty(PROPERTY, "INFO");
    return level.equals("DEBUG") || level.equals("TRACE");
  }
}
