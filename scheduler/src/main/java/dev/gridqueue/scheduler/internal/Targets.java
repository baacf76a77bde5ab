package dev.gridqueue.scheduler.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Fair-share targets: how many workers each session should have now. A lone session with work may
 * have them all. When sessions compete, every one first gets up to its {@code min_workers}, higher
 * priorities first; the remaining workers go to higher priorities first, and sessions of equal
 * priority share them evenly (water-filling), never above what a session can use ({@link
 * SessionQueue#demand}: within {@code max_workers}, and no more than the workers eligible for it).
 * A session without work has target 0.
 *
 * <p>Targets are goals, not placements: placement serves sessions below target first, and {@link
 * Preemption} takes workers back for them. Its only output is each session's target.
 */
final class Targets {
  /** Higher priority first; among equals, the session served least recently. */
  static final Comparator<SessionQueue> PRIORITY_ORDER =
      Comparator.comparingInt((SessionQueue s) -> -s.info.priority())
          .thenComparingLong(SessionQueue::lastTurn);

  private Targets() {}

  /**
   * Sets every session's target; returns whether sessions compete (more than one has work), the
   * only case in which taking workers back can be needed.
   */
  static boolean compute(Collection<SessionQueue> sessions, Collection<WorkerLoad> workers) {
    List<SessionQueue> active = new ArrayList<>();
    for (SessionQueue s : sessions) {
      if (s.hasWork()) {
        active.add(s);
      } else {
        s.target(0);
      }
    }
    if (active.size() <= 1) {
      active.forEach(s -> s.target(Integer.MAX_VALUE));
      return false;
    }
    active.sort(PRIORITY_ORDER);
    int n = active.size();
    int[] demand = new int[n];
    int[] target = new int[n];
    for (int i = 0; i < n; i++) {
      SessionQueue s = active.get(i);
      demand[i] = Math.min(s.demand(), eligibleWorkers(s, workers));
    }
    int remaining = workers.size();
    for (int i = 0; i < n; i++) {
      int give = Math.min(Math.min(active.get(i).info.minWorkers(), demand[i]), remaining);
      target[i] = give;
      remaining -= give;
    }
    int start = 0;
    while (start < n && remaining > 0) {
      int priority = active.get(start).info.priority();
      int end = start;
      while (end < n && active.get(end).info.priority() == priority) {
        end++;
      }
      remaining = fillLevel(target, demand, start, end, remaining);
      start = end;
    }
    for (int i = 0; i < n; i++) {
      active.get(i).target(target[i]);
    }
    return true;
  }

  /**
   * Water-filling within one priority level ({@code [start, end)}): one worker at a time to the
   * session furthest below its demand (the lowest target; the earliest on ties); returns the
   * workers left.
   */
  private static int fillLevel(int[] target, int[] demand, int start, int end, int remaining) {
    while (remaining > 0) {
      int neediest = -1;
      for (int i = start; i < end; i++) {
        if (target[i] < demand[i] && (neediest < 0 || target[i] < target[neediest])) {
          neediest = i;
        }
      }
      if (neediest < 0) {
        break;
      }
      target[neediest]++;
      remaining--;
    }
    return remaining;
  }

  private static int eligibleWorkers(SessionQueue s, Collection<WorkerLoad> workers) {
    int n = 0;
    for (WorkerLoad w : workers) {
      if (Placement.canServe(w, s)) {
        n++;
      }
    }
    return n;
  }
}
