package dev.gridqueue.server.internal.polyglot;

import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.grid.errors.FieldChecks;
import dev.gridqueue.proto.v1.WorkerState;
import dev.gridqueue.server.internal.gateway.ResourceRules;

/** The ranges of a polyglot worker's {@code WorkerState} (queue.proto, {@link ContractLimits}). */
final class WorkerStateRules {
  private WorkerStateRules() {}

  /** Throws {@code InvalidRequestException} naming the field and limit of a value out of range. */
  static void check(WorkerState state) {
    FieldChecks.uint32("worker_state.slots", state.getSlots(), 0, ContractLimits.WORKER_SLOTS_MAX);
    ResourceRules.check("worker_state.resources", state.getResources());
    FieldChecks.length(
        "worker_state.worker_id", state.getWorkerId(), ContractLimits.NAME_MAX_CHARS);
    names("worker_state.app_ids", state.getAppIdsList());
    names("worker_state.tags", state.getTagsList());
  }

  /** Empty names are tolerated (ignored later), but not too many nor too long ones. */
  private static void names(String field, java.util.List<String> names) {
    FieldChecks.count(field, names.size(), ContractLimits.NAMES_PER_LIST_MAX);
    for (String name : names) {
      FieldChecks.length(field + " entry", name, ContractLimits.NAME_MAX_CHARS);
    }
  }
}
