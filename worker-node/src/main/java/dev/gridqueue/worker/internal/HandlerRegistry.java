package dev.gridqueue.worker.internal;

import dev.gridqueue.worker.api.TaskHandler;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/** The task handlers a worker runs, by app id. Internal: do not use directly. */
public final class HandlerRegistry {
  private final Map<String, TaskHandler> handlers;

  private HandlerRegistry(Map<String, TaskHandler> handlers) {
    this.handlers = Map.copyOf(handlers);
  }

  /**
   * Handlers found with ServiceLoader, restricted to {@code apps} unless it is empty.
   *
   * @throws IllegalArgumentException if an app in {@code apps} has no handler
   */
  public static HandlerRegistry load(Set<String> apps, ClassLoader loader) {
    Map<String, TaskHandler> found = new HashMap<>();
    for (TaskHandler handler : ServiceLoader.load(TaskHandler.class, loader)) {
      found.putIfAbsent(handler.appId(), handler);
    }
    if (apps.isEmpty()) {
      return new HandlerRegistry(found);
    }
    Map<String, TaskHandler> selected = new HashMap<>();
    for (String app : apps) {
      TaskHandler handler = found.get(app);
      if (handler == null) {
        throw new IllegalArgumentException(
            "no handler for app '" + app + "' on the classpath; found " + found.keySet());
      }
      selected.put(app, handler);
    }
    return new HandlerRegistry(selected);
  }

  public Optional<TaskHandler> forApp(String appId) {
    return Optional.ofNullable(handlers.get(appId));
  }

  public Set<String> appIds() {
    return handlers.keySet();
  }
}
