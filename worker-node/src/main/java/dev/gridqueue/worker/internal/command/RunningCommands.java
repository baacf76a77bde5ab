package dev.gridqueue.worker.internal.command;

import dev.gridqueue.client.ContractLimits;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The commands a worker is running: stopped together when the worker's JVM exits. */
final class RunningCommands {
  private final Set<ProcessGroup> groups = ConcurrentHashMap.newKeySet();

  void add(ProcessGroup group) {
    groups.add(group);
  }

  void remove(ProcessGroup group) {
    groups.remove(group);
  }

  /** Stops every running command's process group (SIGTERM, SIGKILL after the grace period). */
  void stopAll() {
    groups.parallelStream().forEach(g -> g.stop(ContractLimits.KILL_GRACE));
  }
}
