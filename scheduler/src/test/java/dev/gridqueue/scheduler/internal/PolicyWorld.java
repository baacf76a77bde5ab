package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.QueuedBatchRef;
import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.grid.work.WorkerDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The policy's parts wired as {@link SchedulerState} wires them, without the facade, on a fake
 * clock: tests of one part set the scene with the others. Records where each placed batch runs.
 */
final class PolicyWorld {
  final AtomicLong now = new AtomicLong(1_000_000_000L);
  final Instructions instructions = new Instructions();
  final Agenda agenda = new Agenda();
  final Ledger ledger = new Ledger(now::get, agenda, instructions);
  final Placement placement = new Placement(ledger, agenda);

  /** Batch key to the worker it runs on. */
  final Map<String, String> running = new HashMap<>();

  private long sequence;

  SessionQueue session(SessionInfo info) {
    ledger.addSession(info);
    return ledger.session(info.sessionId());
  }

  SessionQueue session(String id) {
    return session(SessionInfo.builder(id, "echo").build());
  }

  WorkerLoad worker(WorkerDescriptor descriptor) {
    ledger.addWorker(descriptor);
    return ledger.worker(descriptor.workerId());
  }

  /** A JVM worker of the "echo" app with {@code cores} cores. */
  WorkerLoad worker(String id, int cores) {
    return worker(Fixtures.jvmWorker(id, "echo", Fixtures.cores(cores)));
  }

  /** Queues {@code count} one-task batches declaring nothing. */
  List<String> queue(String sessionId, int count) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      keys.add(queue(sessionId, null, null, 1));
    }
    return keys;
  }

  String queue(String sessionId, ResourceAmounts need, String category, int tasks) {
    String key = sessionId + "/" + (++sequence);
    ledger.enqueue(Fixtures.batch(key, sessionId, sequence, tasks, need, category));
    return key;
  }

  /** Queues a batch with its own max_retries. */
  String queueWithMaxRetries(String sessionId, int maxRetries) {
    String key = sessionId + "/" + (++sequence);
    ledger.enqueue(new QueuedBatchRef(key, sessionId, 0, sequence, 1, null, null, maxRetries));
    return key;
  }

  /** Places what fits, as one decision does (without targets or preemption). */
  List<Assignment> place() {
    List<Assignment> made = new ArrayList<>();
    placement.fill(made);
    made.forEach(a -> running.put(a.batchKey(), a.workerId()));
    return made;
  }

  /** Recomputes the targets, as the policy round does. */
  boolean targets() {
    return Targets.compute(ledger.allSessions(), ledger.allWorkers());
  }

  /** The batch ended on its worker. */
  void finish(String key) {
    ledger.takeBack(key, running.remove(key));
  }

  static Map<String, Integer> countBySession(List<Assignment> made) {
    Map<String, Integer> counts = new HashMap<>();
    made.forEach(a -> counts.merge(a.sessionId(), 1, Integer::sum));
    return counts;
  }
}
