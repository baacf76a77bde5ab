package dev.gridqueue.server.internal.gateway;

import static dev.gridqueue.grid.errors.FieldChecks.names;

import dev.gridqueue.client.ContractLimits;
import dev.gridqueue.grid.errors.InvalidRequestException;
import dev.gridqueue.proto.v1.AllocationMode;
import dev.gridqueue.proto.v1.CategoryLimits;
import dev.gridqueue.proto.v1.Resources;
import java.util.ArrayList;
import java.util.Map;

/**
 * The rules of {@code attributes.category_limits}: names as for categories, every amount in range,
 * {@code min} never above {@code max} (a field of {@code max} at 0 has no limit), a known mode.
 */
final class CategoryLimitRules {
  private CategoryLimitRules() {}

  static void check(Map<String, CategoryLimits> limits) {
    names(
        "attributes.category_limits",
        new ArrayList<>(limits.keySet()),
        ContractLimits.NAMES_PER_LIST_MAX,
        ContractLimits.NAME_MAX_CHARS);
    limits.forEach(
        (name, l) -> {
          String field = "attributes.category_limits[" + name + "]";
          ResourceRules.check(field + ".max", l.getMax());
          ResourceRules.check(field + ".min", l.getMin());
          if (AllocationMode.forNumber(l.getModeValue()) == null) {
            throw new InvalidRequestException(
                field + ".mode must be one of 0..3 (AllocationMode), got " + l.getModeValue());
          }
          Resources max = l.getMax();
          Resources min = l.getMin();
          notAbove(field, "cores", min.getCores(), max.getCores());
          notAbove(field, "memory_mb", min.getMemoryMb(), max.getMemoryMb());
          notAbove(field, "disk_mb", min.getDiskMb(), max.getDiskMb());
          notAbove(field, "gpus", min.getGpus(), max.getGpus());
        });
  }

  private static void notAbove(String field, String name, long min, long max) {
    if (max > 0 && min > max) {
      throw new InvalidRequestException(
          field + ".min." + name + " (" + min + ") must not exceed max." + name + " (" + max + ")");
    }
  }
}
