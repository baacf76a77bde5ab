package dev.gridqueue.worker.internal;

import dev.gridqueue.worker.api.TaskHandler;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * A task handler and where it came from: a jar of the worker's handlers directory, or the worker's
 * classpath ({@code jar} null). Internal.
 */
record LoadedHandler(TaskHandler handler, Path jar) {
  /** The handler class and the file it was loaded from, for error messages naming both jars. */
  String describe() {
    String type = handler.getClass().getName();
    if (jar != null) {
      return type + " in " + jar;
    }
    CodeSource code = handler.getClass().getProtectionDomain().getCodeSource();
    return type
        + " on the classpath"
        + (code != null && code.getLocation() != null
            ? " (" + code.getLocation().getPath() + ")"
            : "");
  }
}
