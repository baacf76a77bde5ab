package dev.gridqueue.worker.internal;

import dev.gridqueue.worker.api.TaskHandler;

/**
 * The parent of every handler jar's class loader: the JDK (the platform class loader), plus the
 * handler API taken from the worker's own class loader, and nothing else.
 *
 * <p>Why not the application class loader itself: a handler jar would then see, and be served
 * before its own copies, everything the worker runs on (Ignite, Spring, gRPC, protobuf, Guava, the
 * worker's internals). A jar bundling another Guava would get the worker's, and a handler could
 * come to depend on classes a worker upgrade changes. The API must come from the worker's loader,
 * though: one {@link TaskHandler} type, or ServiceLoader rejects the jar's handlers.
 */
final class HandlerApiClassLoader extends ClassLoader {
  private static final String API_PREFIX = TaskHandler.class.getPackageName() + ".";

  static {
    registerAsParallelCapable();
  }

  private final ClassLoader application;

  HandlerApiClassLoader(ClassLoader application) {
    super("gridqueue-handler-api", ClassLoader.getPlatformClassLoader());
    this.application = application;
  }

  /** Called for what the JDK does not have: the API's classes, or a class handlers may not see. */
  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    if (name.startsWith(API_PREFIX)) {
      return application.loadClass(name);
    }
    throw new ClassNotFoundException(
        name
            + " (a handler jar sees the JDK, "
            + API_PREFIX
            + "* and what it bundles, nothing else)");
  }
}
