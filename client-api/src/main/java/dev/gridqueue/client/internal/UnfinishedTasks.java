package dev.gridqueue.client.internal;

import dev.gridqueue.proto.v1.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tasks sent and not yet ended, by id, with the shared-data level their batch named: kept to send
 * them again after a failover, and to tell a task's first end from a repeat. A task leaves when it
 * first ends, so a later delivery of the same id finds it gone and is a repeat; memory stays
 * proportional to the tasks in flight, not to all tasks ever run. Thread-safe.
 */
public final class UnfinishedTasks {
  /** Level of tasks that read no shared data (levels start at 1). */
  public static final int NO_SHARED_DATA = 0;

  private record Sent(Message task, int level) {}

  private final Map<String, Sent> byId = new ConcurrentHashMap<>();

  /**
   * {@code task} was sent in a batch reading shared-data {@code level} ({@link #NO_SHARED_DATA}:
   * none).
   */
  public void sent(Message task, int level) {
    byId.put(task.getId(), new Sent(task, level));
  }

  /** Task {@code taskId} ended: true the first time, false for a repeat (or an id never sent). */
  public boolean end(String taskId) {
    return byId.remove(taskId) != null;
  }

  public boolean isEmpty() {
    return byId.isEmpty();
  }

  public int size() {
    return byId.size();
  }

  /**
   * The unfinished tasks now, grouped by shared-data level, so each group can be sent in batches
   * that name one level. Tasks ending meanwhile may or may not be in it: a task sent once more is
   * harmless, its repeat is dropped.
   */
  public Map<Integer, List<Message>> byLevel() {
    Map<Integer, List<Message>> levels = new LinkedHashMap<>();
    for (Sent s : byId.values()) {
      levels.computeIfAbsent(s.level(), l -> new ArrayList<>()).add(s.task());
    }
    return levels;
  }
}
