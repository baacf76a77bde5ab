package dev.gridqueue.worker.internal;

import dev.gridqueue.worker.HandlerLoadException;
import dev.gridqueue.worker.api.TaskHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The task handlers of a directory of jars ({@code --handlers DIR}): every {@code *.jar} in it gets
 * its own class loader, whose parent shows only the JDK and the handler API ({@link
 * HandlerApiClassLoader}), and its handlers are found with ServiceLoader. Jars do not see each
 * other, so two handlers may bundle different versions of one library. Internal.
 *
 * <p>The class loaders are never closed: a handler may load classes lazily for as long as its
 * worker runs, and a worker (a worker process, or a server's local worker) lives as long as its
 * JVM, whose exit releases the jars.
 */
final class HandlerJars {
  private static final String SERVICES_FILE = "META-INF/services/" + TaskHandler.class.getName();

  /** Where handlers were listed before the API moved to its own module and package. */
  private static final String FORMER_SERVICES_FILE =
      "META-INF/services/dev.gridqueue.worker.TaskHandler";

  private HandlerJars() {}

  /**
   * The handlers of every jar in {@code directory}, jars in name order.
   *
   * @param application the class loader the worker's own handler API comes from
   * @throws HandlerLoadException if the directory is missing, or a jar is unreadable, declares no
   *     handler or has one that cannot be created
   */
  static List<LoadedHandler> load(Path directory, ClassLoader application) {
    Path dir = directory.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new HandlerLoadException(
          "handlers directory "
              + dir
              + (Files.exists(dir) ? " is not a directory" : " does not exist"));
    }
    ClassLoader api = new HandlerApiClassLoader(application);
    List<LoadedHandler> found = new ArrayList<>();
    for (Path jar : jarsIn(dir)) {
      found.addAll(loadJar(jar, api));
    }
    return found;
  }

  private static List<Path> jarsIn(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (IOException | UncheckedIOException e) {
      throw new HandlerLoadException(
          "cannot list handlers directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private static List<LoadedHandler> loadJar(Path jar, ClassLoader api) {
    checkDeclaresHandlers(jar);
    URLClassLoader loader =
        new URLClassLoader("handlers:" + jar.getFileName(), new URL[] {url(jar)}, api);
    List<LoadedHandler> handlers = new ArrayList<>();
    try {
      for (TaskHandler handler : ServiceLoader.load(TaskHandler.class, loader)) {
        handlers.add(new LoadedHandler(handler, jar));
      }
    } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
      throw new HandlerLoadException(
          "cannot create the task handlers of " + jar + ": " + causes(e), e);
    }
    if (handlers.isEmpty()) {
      throw new HandlerLoadException("handler jar " + jar + " lists no class in " + SERVICES_FILE);
    }
    return handlers;
  }

  /**
   * Opens the jar before a class loader does: URLClassLoader skips a jar it cannot open without a
   * word, which would leave its apps silently missing.
   */
  private static void checkDeclaresHandlers(Path jar) {
    boolean listed;
    boolean listedUnderFormerName;
    try (JarFile file = new JarFile(jar.toFile())) {
      listed = file.getEntry(SERVICES_FILE) != null;
      listedUnderFormerName = file.getEntry(FORMER_SERVICES_FILE) != null;
    } catch (IOException | SecurityException e) {
      throw new HandlerLoadException("cannot read handler jar " + jar + ": " + e, e);
    }
    if (!listed) {
      throw new HandlerLoadException(
          "handler jar "
              + jar
              + " declares no task handler: it has no "
              + SERVICES_FILE
              + (listedUnderFormerName
                  ? " but the former "
                      + FORMER_SERVICES_FILE
                      + "; rebuild it against dev.gridqueue:worker-api (package dev.gridqueue.worker.api)"
                  : ""));
    }
  }

  private static URL url(Path jar) {
    try {
      return jar.toUri().toURL();
    } catch (MalformedURLException e) {
      throw new HandlerLoadException("cannot read handler jar " + jar + ": " + e.getMessage(), e);
    }
  }

  /** "message: cause's message: ...", the chain a ServiceConfigurationError hides its reason in. */
  private static String causes(Throwable e) {
    StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      text.append(": ").append(c);
    }
    return text.toString();
  }
}
