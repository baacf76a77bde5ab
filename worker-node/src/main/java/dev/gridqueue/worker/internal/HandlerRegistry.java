package dev.gridqueue.worker.internal;

import dev.gridqueue.worker.HandlerLoadException;
import dev.gridqueue.worker.api.TaskHandler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The task handlers a worker runs, by app id, and where each came from. Internal: do not use
 * directly.
 */
public final class HandlerRegistry {
  private final Map<String, LoadedHandler> handlers;

  private HandlerRegistry(Map<String, LoadedHandler> handlers) {
    this.handlers = Map.copyOf(handlers);
  }

  /** No handlers: a worker that only runs command tasks. */
  public static HandlerRegistry none() {
    return new HandlerRegistry(Map.of());
  }

  /**
   * Handlers found with ServiceLoader on the classpath, restricted to {@code apps} unless it is
   * empty.
   *
   * @throws HandlerLoadException if an app in {@code apps} has no handler, or two handlers claim
   *     one app id
   */
  public static HandlerRegistry load(Set<String> apps, ClassLoader loader) {
    return load(apps, loader, Optional.empty());
  }

  /**
   * Handlers found with ServiceLoader on the classpath and in the jars of {@code handlersDirectory}
   * (see {@link HandlerJars}), restricted to {@code apps} unless it is empty.
   *
   * @throws HandlerLoadException if the directory or a jar in it cannot be used, two handlers claim
   *     one app id, or an app in {@code apps} has no handler
   */
  public static HandlerRegistry load(
      Set<String> apps, ClassLoader loader, Optional<Path> handlersDirectory) {
    List<LoadedHandler> all = new ArrayList<>();
    for (TaskHandler handler : ServiceLoader.load(TaskHandler.class, loader)) {
      all.add(new LoadedHandler(handler, null));
    }
    handlersDirectory.ifPresent(dir -> all.addAll(HandlerJars.load(dir, loader)));
    Map<String, LoadedHandler> found = byAppId(all);
    if (apps.isEmpty()) {
      return new HandlerRegistry(found);
    }
    Map<String, LoadedHandler> selected = new TreeMap<>();
    for (String app : apps) {
      LoadedHandler handler = found.get(app);
      if (handler == null) {
        throw new HandlerLoadException(
            "no handler for app '"
                + app
                + "' on the classpath"
                + handlersDirectory.map(d -> " or in " + d.toAbsolutePath().normalize()).orElse("")
                + "; found "
                + found.keySet());
      }
      selected.put(app, handler);
    }
    return new HandlerRegistry(selected);
  }

  /** A worker cannot choose between two handlers of one app: refuse, naming both files. */
  private static Map<String, LoadedHandler> byAppId(List<LoadedHandler> all) {
    Map<String, LoadedHandler> byApp = new TreeMap<>();
    for (LoadedHandler h : all) {
      String appId;
      try {
        appId = h.handler().appId();
      } catch (RuntimeException | LinkageError e) {
        throw new HandlerLoadException(
            "task handler " + h.describe() + " failed to name its app id: " + e, e);
      }
      if (appId == null || appId.isBlank()) {
        throw new HandlerLoadException("task handler " + h.describe() + " has no app id");
      }
      LoadedHandler other = byApp.putIfAbsent(appId, h);
      if (other != null) {
        throw new HandlerLoadException(
            "app '"
                + appId
                + "' is claimed by two handlers: "
                + other.describe()
                + ", and "
                + h.describe()
                + "; remove one, or give it another app id");
      }
    }
    return byApp;
  }

  public Optional<TaskHandler> forApp(String appId) {
    return Optional.ofNullable(handlers.get(appId)).map(LoadedHandler::handler);
  }

  public Set<String> appIds() {
    return handlers.keySet();
  }

  /**
   * The apps served and where their handlers came from, the classpath first, e.g. "echo, pi from
   * the classpath; square from /opt/handlers/square.jar".
   */
  public String describeOrigins() {
    // Keyed by jar path, "" for the classpath: sorts the classpath first, then the jars by name.
    Map<String, List<String>> appsByJar = new TreeMap<>();
    new TreeMap<>(handlers)
        .forEach(
            (app, h) ->
                appsByJar
                    .computeIfAbsent(
                        h.jar() == null ? "" : h.jar().toString(), j -> new ArrayList<>())
                    .add(app));
    if (appsByJar.isEmpty()) {
      return "none";
    }
    return appsByJar.entrySet().stream()
        .map(
            e ->
                String.join(", ", e.getValue())
                    + " from "
                    + (e.getKey().isEmpty() ? "the classpath" : e.getKey()))
        .collect(Collectors.joining("; "));
  }
}
