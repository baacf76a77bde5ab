package dev.gridqueue.server.internal.gateway;

import static dev.gridqueue.grid.errors.FieldChecks.length;
import static dev.gridqueue.grid.errors.FieldChecks.names;
import static dev.gridqueue.grid.errors.FieldChecks.uint32;

import com.google.protobuf.Duration;
import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.grid.errors.InvalidRequestException;
import dev.gridqueue.proto.v1.SessionAttributes;
import java.util.ArrayList;

/**
 * The rules of {@code SessionAttributes} (queue.proto and {@link ContractLimits}): every field
 * range-checked at the edge, so nothing stored can overflow or wedge the scheduler later, and the
 * defaults filled in.
 */
final class SessionAttributeRules {
  private SessionAttributeRules() {}

  /** {@code given} with every default filled in; INVALID_ARGUMENT naming a field out of range. */
  static SessionAttributes withDefaults(SessionAttributes given) {
    if (given.getSerializedSize() > ContractLimits.SESSION_ATTRIBUTES_MAX_BYTES) {
      throw new InvalidRequestException(
          "attributes are "
              + given.getSerializedSize()
              + " bytes encoded; the limit is "
              + ContractLimits.SESSION_ATTRIBUTES_MAX_BYTES);
    }
    SessionAttributes.Builder a = given.toBuilder();
    if (!a.hasPriority()) {
      a.setPriority(ContractLimits.PRIORITY_DEFAULT);
    } else {
      uint32(
          "attributes.priority",
          a.getPriority(),
          ContractLimits.PRIORITY_MIN,
          ContractLimits.PRIORITY_MAX);
    }
    if (!a.hasMaxInflightBatchesPerWorker()) {
      a.setMaxInflightBatchesPerWorker(ContractLimits.MAX_INFLIGHT_BATCHES_PER_WORKER_DEFAULT);
    } else {
      uint32(
          "attributes.max_inflight_batches_per_worker",
          a.getMaxInflightBatchesPerWorker(),
          ContractLimits.MAX_INFLIGHT_BATCHES_PER_WORKER_MIN,
          ContractLimits.MAX_INFLIGHT_BATCHES_PER_WORKER_MAX);
    }
    if (!a.hasMaxRetries()) {
      a.setMaxRetries(ContractLimits.MAX_RETRIES_DEFAULT);
    } else {
      uint32("attributes.max_retries", a.getMaxRetries(), 0, ContractLimits.MAX_RETRIES_MAX);
    }
    uint32("attributes.min_workers", a.getMinWorkers(), 0, ContractLimits.WORKERS_MAX);
    uint32("attributes.max_workers", a.getMaxWorkers(), 0, ContractLimits.WORKERS_MAX);
    if (a.getMaxWorkers() > 0 && a.getMinWorkers() > a.getMaxWorkers()) {
      throw new InvalidRequestException(
          "attributes.min_workers ("
              + a.getMinWorkers()
              + ") must not exceed attributes.max_workers ("
              + a.getMaxWorkers()
              + ")");
    }
    length("attributes.client_id", a.getClientId(), ContractLimits.NAME_MAX_CHARS);
    names(
        "attributes.tags",
        new ArrayList<>(a.getTagsList()),
        ContractLimits.NAMES_PER_LIST_MAX,
        ContractLimits.NAME_MAX_CHARS);
    if (a.hasIdleTimeout()) {
      duration("attributes.idle_timeout", a.getIdleTimeout());
    }
    if (a.hasMaxTaskRunningTime()) {
      duration("attributes.max_task_running_time", a.getMaxTaskRunningTime());
    }
    double multiplier = a.getFastAbortMultiplier();
    if (!Double.isFinite(multiplier)
        || multiplier < 0
        || multiplier > 0 && multiplier < 1
        || multiplier > ContractLimits.FAST_ABORT_MULTIPLIER_MAX) {
      throw new InvalidRequestException(
          "attributes.fast_abort_multiplier must be 0 (off) or between 1 and "
              + ContractLimits.FAST_ABORT_MULTIPLIER_MAX
              + ", got "
              + multiplier);
    }
    if (a.hasTaskResources()) {
      ResourceRules.check("attributes.task_resources", a.getTaskResources());
    }
    names(
        "attributes.categories",
        new ArrayList<>(a.getCategoriesMap().keySet()),
        ContractLimits.NAMES_PER_LIST_MAX,
        ContractLimits.NAME_MAX_CHARS);
    a.getCategoriesMap()
        .forEach((name, r) -> ResourceRules.check("attributes.categories[" + name + "]", r));
    CategoryLimitRules.check(a.getCategoryLimitsMap());
    hosts("attributes.blocked_worker_hosts", a.getBlockedWorkerHostsList());
    return a.build();
  }

  /**
   * A list of host names or IP addresses (blocked hosts): at most {@link
   * ContractLimits#NAMES_PER_LIST_MAX}, each a host; INVALID_ARGUMENT naming {@code field[i]}.
   */
  static void hosts(String field, java.util.List<String> hosts) {
    names(
        field,
        new ArrayList<>(hosts),
        ContractLimits.NAMES_PER_LIST_MAX,
        ContractLimits.NAME_MAX_CHARS);
    for (int i = 0; i < hosts.size(); i++) {
      String host = hosts.get(i);
      if (!HostNames.isHostOrAddress(host)) {
        throw new InvalidRequestException(
            field + "[" + i + "] '" + host + "' is not a host name or an IP address");
      }
    }
  }

  /** A google.protobuf.Duration between 0 and {@link ContractLimits#DURATION_MAX}. */
  private static void duration(String field, Duration d) {
    if (d.getSeconds() < 0 || d.getNanos() < 0) {
      throw new InvalidRequestException(field + " must not be negative");
    }
    if (d.getNanos() > 999_999_999) {
      throw new InvalidRequestException(
          field + ".nanos must be between 0 and 999999999, got " + d.getNanos());
    }
    if (d.getSeconds() > ContractLimits.DURATION_MAX.getSeconds()) {
      throw new InvalidRequestException(
          field
              + " must be at most "
              + ContractLimits.DURATION_MAX.getSeconds()
              + " s ("
              + ContractLimits.DURATION_MAX.toDays()
              + " days), got "
              + d.getSeconds()
              + " s");
    }
  }
}
