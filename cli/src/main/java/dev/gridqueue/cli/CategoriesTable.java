package dev.gridqueue.cli;

import dev.gridqueue.proto.v1.CategoryStats;
import dev.gridqueue.proto.v1.Resources;
import dev.gridqueue.proto.v1.SessionStats;
import dev.gridqueue.proto.v1.Stats;
import java.io.PrintStream;

/**
 * {@code gridqueue status --categories}: per session and category, the tasks measured, the peaks
 * they reached and the first allocation a batch that declares nothing gets now (Work Queue's
 * category figures).
 */
final class CategoriesTable {
  private CategoriesTable() {}

  static void print(Stats s, PrintStream out) {
    out.printf(
        "%n%-36s %-16s %-14s %9s %-30s %-30s %7s %9s%n",
        "SESSION",
        "CATEGORY",
        "MODE",
        "MEASURED",
        "PEAK",
        "FIRST ALLOCATION",
        "AT MAX",
        "EXHAUSTED");
    for (SessionStats session : s.getSessionsList()) {
      for (CategoryStats c : session.getCategoriesList()) {
        out.printf(
            "%-36s %-16s %-14s %,9d %-30s %-30s %,7d %,9d%n",
            session.getSessionId(),
            c.getCategory().isEmpty() ? "(none)" : c.getCategory(),
            mode(c),
            c.getTasksMeasured(),
            amounts(c.getPeak()),
            c.hasFirstAllocation() ? amounts(c.getFirstAllocation()) : "whole worker",
            c.getBatchesRetriedAtMax(),
            c.getTasksExhausted());
      }
    }
  }

  private static String mode(CategoryStats c) {
    return switch (c.getMode()) {
      case ALLOCATION_MODE_FIXED -> "fixed";
      case ALLOCATION_MODE_MAX -> "max";
      case ALLOCATION_MODE_MIN_WASTE -> "min-waste";
      case ALLOCATION_MODE_MAX_THROUGHPUT -> "max-throughput";
      default -> String.valueOf(c.getModeValue());
    };
  }

  private static String amounts(Resources r) {
    return String.format(
        "cores %d mem %dMB disk %dMB", r.getCores(), r.getMemoryMb(), r.getDiskMb());
  }
}
