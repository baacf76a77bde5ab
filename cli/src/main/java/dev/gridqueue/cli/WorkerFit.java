package dev.gridqueue.cli;

import dev.gridqueue.proto.v1.Stats;
import dev.gridqueue.proto.v1.WorkerStats;
import java.util.List;
import java.util.Optional;

/**
 * Whether a connected worker can run a session's tasks (its app, its tags, its resources), so
 * {@code submit} can say why tasks would wait instead of waiting silently. A worker may still join
 * later: this warns, it does not refuse.
 */
record WorkerFit(String app, List<String> tags, int cores, long memoryMb, long diskMb, int gpus) {
  Optional<String> warning(Stats stats) {
    if (stats.getWorkersConnected() == 0) {
      return Optional.of("no worker is connected to the grid; tasks wait until one joins");
    }
    if (stats.getWorkersCount() == 0) {
      // Workers are connected but not listed: a client API key sees no workers in GetStats, so
      // there is nothing to check them against, and nothing to warn about.
      return Optional.empty();
    }
    List<WorkerStats> serving =
        stats.getWorkersList().stream()
            .filter(w -> w.getAppIdsList().contains(app))
            .filter(w -> w.getTagsList().containsAll(tags))
            .toList();
    if (serving.isEmpty()) {
      return Optional.of(
          "no connected worker serves app '"
              + app
              + "'"
              + (tags.isEmpty() ? "" : " with tags " + String.join(",", tags))
              + " (workers serve: "
              + String.join(
                  ", ",
                  stats.getWorkersList().stream()
                      .flatMap(w -> w.getAppIdsList().stream())
                      .distinct()
                      .sorted()
                      .toList())
              + "); tasks wait until one joins");
    }
    boolean fits =
        serving.stream()
            .anyMatch(
                w ->
                    w.getTotal().getCores() >= cores
                        && w.getTotal().getMemoryMb() >= memoryMb
                        && w.getTotal().getDiskMb() >= diskMb
                        && w.getTotal().getGpus() >= gpus);
    if (!fits) {
      return Optional.of(
          String.format(
              "no connected worker serving '%s' offers cores %d, memory %d MB, disk %d MB, gpus %d;"
                  + " tasks wait until a bigger worker joins",
              app, cores, memoryMb, diskMb, gpus));
    }
    return Optional.empty();
  }
}
