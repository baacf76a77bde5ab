package dev.gridqueue.server.internal.gateway;

import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.grid.errors.InvalidRequestException;
import dev.gridqueue.proto.v1.Session;
import dev.gridqueue.proto.v1.SessionAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * UpdateSession's rules (queue.proto): which attributes a request changes ({@code update_mask}, or
 * every updatable one when absent), that attributes fixed at creation stay as they are, and the
 * merged attributes checked by the same {@link SessionAttributeRules} as CreateSession, then the
 * hosts to block and unblock applied to the blocked list as it is. Pure: it computes the new
 * attributes or throws, so an invalid request changes nothing.
 */
final class SessionUpdates {
  /** The attributes UpdateSession may change, by SessionAttributes field name. */
  static final Set<String> UPDATABLE =
      Set.of(
          "priority",
          "min_workers",
          "max_workers",
          "preemptible",
          "tags",
          "max_inflight_batches_per_worker",
          "idle_timeout",
          "blocked_worker_hosts");

  private static final String MASK_PREFIX = "attributes.";

  private SessionUpdates() {}

  /** {@code current} changed as {@code request} asks, defaults filled in and validated. */
  static SessionAttributes merge(SessionAttributes current, Session request) {
    SessionAttributes given = request.getAttributes();
    if (given.getSerializedSize() > ContractLimits.SESSION_ATTRIBUTES_MAX_BYTES) {
      throw new InvalidRequestException(
          "attributes are "
              + given.getSerializedSize()
              + " bytes encoded; the limit is "
              + ContractLimits.SESSION_ATTRIBUTES_MAX_BYTES);
    }
    SessionAttributeRules.hosts("block_worker_hosts", request.getBlockWorkerHostsList());
    SessionAttributeRules.hosts("unblock_worker_hosts", request.getUnblockWorkerHostsList());
    boolean hostsOnly =
        request.getBlockWorkerHostsCount() + request.getUnblockWorkerHostsCount() > 0;
    Set<String> paths;
    if (request.hasUpdateMask()) {
      paths = maskPaths(request.getUpdateMask().getPathsList());
    } else if (hostsOnly) {
      paths = Set.of(); // blocking or unblocking hosts alone changes nothing else
    } else {
      requireFixedUnchanged(current, given);
      paths = UPDATABLE;
    }
    SessionAttributes.Builder merged = current.toBuilder();
    for (String path : paths) {
      FieldDescriptor field = SessionAttributes.getDescriptor().findFieldByName(path);
      merged.clearField(field);
      boolean present =
          field.isRepeated() ? given.getRepeatedFieldCount(field) > 0 : given.hasField(field);
      if (present) {
        merged.setField(field, given.getField(field));
      }
    }
    // Applied to the list as it is now (the caller retries on a concurrent change): never lost.
    Set<String> blocked = new LinkedHashSet<>(merged.getBlockedWorkerHostsList());
    blocked.addAll(request.getBlockWorkerHostsList());
    blocked.removeAll(request.getUnblockWorkerHostsList());
    merged.clearBlockedWorkerHosts().addAllBlockedWorkerHosts(blocked);
    return SessionAttributeRules.withDefaults(merged.build());
  }

  /** The mask's paths as SessionAttributes field names; INVALID_ARGUMENT naming a bad one. */
  private static Set<String> maskPaths(List<String> paths) {
    if (paths.size() > ContractLimits.NAMES_PER_LIST_MAX) {
      throw new InvalidRequestException(
          "update_mask.paths has "
              + paths.size()
              + " entries; the limit is "
              + ContractLimits.NAMES_PER_LIST_MAX);
    }
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < paths.size(); i++) {
      String path = paths.get(i);
      String name = path.startsWith(MASK_PREFIX) ? path.substring(MASK_PREFIX.length()) : path;
      if (SessionAttributes.getDescriptor().findFieldByName(name) == null) {
        throw new InvalidRequestException(
            "update_mask.paths["
                + i
                + "] '"
                + shorten(path)
                + "' is not a SessionAttributes field; updatable: "
                + sorted(UPDATABLE));
      }
      if (!UPDATABLE.contains(name)) {
        throw new InvalidRequestException(
            "update_mask.paths["
                + i
                + "]: attributes."
                + name
                + " is fixed when the session is created; updatable: "
                + sorted(UPDATABLE));
      }
      names.add(name);
    }
    return names;
  }

  /**
   * Replace semantics: an attribute fixed at creation may be left out (absent, empty, zero), or
   * sent as it is (a client sending back the Session CreateSession returned), but not changed.
   */
  private static void requireFixedUnchanged(SessionAttributes current, SessionAttributes given) {
    for (FieldDescriptor field : SessionAttributes.getDescriptor().getFields()) {
      if (UPDATABLE.contains(field.getName())) {
        continue;
      }
      boolean set =
          field.isRepeated() ? given.getRepeatedFieldCount(field) > 0 : given.hasField(field);
      if (set && !given.getField(field).equals(current.getField(field))) {
        throw new InvalidRequestException(
            "attributes."
                + field.getName()
                + " is fixed when the session is created and cannot be changed by UpdateSession;"
                + " updatable: "
                + sorted(UPDATABLE));
      }
    }
  }

  private static List<String> sorted(Set<String> names) {
    List<String> list = new ArrayList<>(names);
    list.sort(null);
    return list;
  }

  private static String shorten(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
