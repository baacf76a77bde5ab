package dev.gridqueue.client.internal;

import dev.gridqueue.proto.v1.Batch;
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

  /**
   * Tasks sent in batches alike: one shared-data level, and the batch attributes a task set for
   * itself (resources, category, priority, max retries; the default instance for none).
   */
  public record Group(int level, Batch attributes) {}

  private record Sent(Message task, Group group) {}

  private final Map<String, Sent> byId = new ConcurrentHashMap<>();

  /**
   * {@code task} was sent in a batch reading shared-data {@code level} ({@link #NO_SHARED_DATA}:
   * none).
   */
  public void sent(Message task, int level) {
    sent(task, new Group(level, Batch.getDefaultInstance()));
  }

  /** {@code task} was sent in a batch of {@code group}. */
  public void sent(Message task, Group group) {
    byId.put(task.getId(), new Sent(task, group));
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
   * The unfinished tasks now, grouped by shared-data level and batch attributes, so each group can
   * be sent in batches that name one level and keep the attributes. Tasks ending meanwhile may or
   * may not be in it: a task sent once more is harmless, its repeat is dropped.
   */
  public Map<Group, List<Message>> byGroup() {
    Map<Group, List<Message>> groups = new LinkedHashMap<>();
    for (Sent s : byId.values()) {
      groups.computeIfAbsent(s.group(), l -> new ArrayList<>()).add(s.task());
    }
    return groups;
  }
}
