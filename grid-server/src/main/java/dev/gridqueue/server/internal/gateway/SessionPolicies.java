package dev.gridqueue.server.internal.gateway;

import dev.gridqueue.grid.store.CategoryLimitAmounts;
import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.grid.store.SessionPolicy;
import dev.gridqueue.proto.v1.SessionAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Decodes the scheduling part of validated session attributes, once, when the session is created.
 */
final class SessionPolicies {
  private SessionPolicies() {}

  /** {@code a} with every default filled in (see {@link SessionStore#withDefaults}). */
  static SessionPolicy of(SessionAttributes a) {
    Map<String, ResourceAmounts> categories = new HashMap<>();
    a.getCategoriesMap().forEach((name, r) -> categories.put(name, WireResources.of(r)));
    return new SessionPolicy(
        Set.copyOf(a.getTagsList()),
        a.getMinWorkers(),
        a.getMaxWorkers(),
        a.getPreemptible(),
        a.getMaxRetries(),
        a.hasTaskResources() ? WireResources.of(a.getTaskResources()) : null,
        categories,
        a.hasMaxTaskRunningTime()
            ? a.getMaxTaskRunningTime().getSeconds() * 1_000_000_000L
                + a.getMaxTaskRunningTime().getNanos()
            : 0,
        a.getFastAbortMultiplier(),
        Set.copyOf(a.getBlockedWorkerHostsList()),
        categoryLimits(a));
  }

  private static Map<String, CategoryLimitAmounts> categoryLimits(SessionAttributes a) {
    Map<String, CategoryLimitAmounts> limits = new HashMap<>();
    a.getCategoryLimitsMap()
        .forEach(
            (name, l) ->
                limits.put(
                    name,
                    new CategoryLimitAmounts(
                        WireResources.of(l.getMax()),
                        WireResources.of(l.getMin()),
                        l.getModeValue())));
    return limits;
  }
}
