package dev.gridqueue.grid.store;

import java.util.HashSet;
import java.util.Set;

/**
 * What a session's client cancelled: task ids, task tags, or everything. Immutable; grows only (a
 * cancelled task is never run again).
 */
public final class CancelSet {
  public static final CancelSet EMPTY = new CancelSet(Set.of(), Set.of(), false);

  private final Set<String> taskIds;
  private final Set<String> tags;
  private final boolean all;

  public CancelSet(Set<String> taskIds, Set<String> tags, boolean all) {
    this.taskIds = new HashSet<>(taskIds);
    this.tags = new HashSet<>(tags);
    this.all = all;
  }

  /** Whether the task with this id and tag (empty: none) is cancelled. */
  public boolean cancels(String taskId, String tag) {
    return all || taskIds.contains(taskId) || (!tag.isEmpty() && tags.contains(tag));
  }

  /** How many task ids and tags the set holds. */
  public int size() {
    return taskIds.size() + tags.size();
  }

  /** This set plus the given ids, tags and all-flag. */
  public CancelSet with(Set<String> moreIds, Set<String> moreTags, boolean cancelAll) {
    Set<String> ids = new HashSet<>(taskIds);
    ids.addAll(moreIds);
    Set<String> t = new HashSet<>(tags);
    t.addAll(moreTags);
    return new CancelSet(ids, t, all || cancelAll);
  }
}
