package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.QueuedBatchRef;
import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.grid.work.WorkerDescriptor;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one assignment decision of {@link SchedulerState} in steady state.
 *
 * <p>Setup queues {@code queued} batches plus enough to fill every worker, spread round-robin over
 * {@code sessions} sessions of equal priority (10 batches in flight per worker, the default {@code
 * max_inflight_batches_per_worker}), and runs {@code assign()} until all workers are full. Each
 * invocation then does what the scheduling loop does when one batch completes: {@code finished} for
 * the oldest in-flight batch (one worker gets one free slot), {@code enqueue} of one new batch (the
 * queue stays at {@code queued}), and {@code assign()}, which makes exactly one assignment. The
 * figure is the time of that triple, i.e. per decision.
 *
 * <p>Every batch declares one core and every worker offers 10, so batches of all sessions pack onto
 * any worker (the resource-fit path); with several sessions the fair-share targets are recomputed
 * every 10 ms as in production.
 *
 * <p>The finished batch's key is reused for the new batch (with a new sequence number) so the
 * figure holds no key-string building; the key is free again once finished. Lives in the
 * scheduler's internal package because {@link SchedulerState} is package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgs = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SchedulerDecisionBenchmark {
  private static final String APP = "echo";
  private static final int MAX_INFLIGHT_PER_WORKER = 10;

  /** The finished job reports no figures: counting is not what is measured. */
  private static final SchedulerState.Outcome NOTHING_COUNTED =
      new SchedulerState.Outcome(0, 0, 0, 0);

  @Param({"1000", "100000", "1000000"})
  int queued;

  @Param({"1", "16", "256"})
  int workers;

  @Param({"1", "10"})
  int sessions;

  /**
   * {@code on}: the transactions log is written (to a temporary file) while deciding: three lines
   * per decision (DONE, WAITING, RUNNING), queued by the loop and written by the log's thread.
   */
  @Param({"off"})
  String transactionsLog;

  private TransactionsLog log;
  private java.nio.file.Path logFile;

  private SchedulerState state;
  private String[] sessionIds;
  private final ArrayDeque<Assignment> running = new ArrayDeque<>();
  private long sequence;
  private int nextSession;

  @Setup(Level.Trial)
  public void fillQueueAndWorkers() {
    // No fair-share rebalancing during the measurement (an infinite quantum): each decision is one
    // placement, which the benchmark checks. Targets are still computed on every decision.
    state = new SchedulerState(System::nanoTime, Long.MAX_VALUE);
    sessionIds = new String[sessions];
    for (int s = 0; s < sessions; s++) {
      sessionIds[s] = "session-" + s;
      state.addSession(
          SessionInfo.builder(sessionIds[s], APP)
              .maxInflight(MAX_INFLIGHT_PER_WORKER)
              .taskResources(new ResourceAmounts(1, 0, 0, 0))
              .build());
    }
    for (int w = 0; w < workers; w++) {
      state.addWorker(
          new WorkerDescriptor(
              "worker-" + w,
              new UUID(0, w),
              MAX_INFLIGHT_PER_WORKER,
              Set.of(APP),
              Set.of(),
              new ResourceAmounts(MAX_INFLIGHT_PER_WORKER, 0, 0, 0),
              "localhost",
              WorkerDescriptor.KIND_JVM));
    }
    long total = (long) queued + (long) workers * MAX_INFLIGHT_PER_WORKER;
    for (long i = 0; i < total; i++) {
      state.enqueue(new QueuedBatchRef("batch-" + i, nextSessionId(), 0, sequence++, 0));
    }
    running.addAll(state.assign());
    if (transactionsLog.equals("on")) {
      try {
        logFile = java.nio.file.Files.createTempFile("gridqueue-bench-", ".tr.log");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      log = new TransactionsLog(logFile, "bench");
      state.logTo(log);
    }
    check(
        running.size() == workers * MAX_INFLIGHT_PER_WORKER,
        "in-flight after fill",
        running.size());
    check(state.queuedCount() == queued, "queued after fill", state.queuedCount());
  }

  @Benchmark
  public List<Assignment> decision() {
    Assignment done = running.poll();
    state.finished(done.batchKey(), done.workerId(), NOTHING_COUNTED);
    state.enqueue(new QueuedBatchRef(done.batchKey(), nextSessionId(), 0, sequence++, 0));
    List<Assignment> made = state.assign();
    if (made.size() != 1) {
      throw new IllegalStateException("expected exactly 1 assignment, got " + made.size());
    }
    running.add(made.get(0));
    return made;
  }

  @TearDown(Level.Trial)
  public void checkSteadyState() throws java.io.IOException {
    if (log != null) {
      log.close();
      java.nio.file.Files.deleteIfExists(logFile);
    }
    check(state.queuedCount() == queued, "queued at end", state.queuedCount());
    check(
        state.inFlightCount() == workers * MAX_INFLIGHT_PER_WORKER,
        "in-flight at end",
        state.inFlightCount());
  }

  private String nextSessionId() {
    String id = sessionIds[nextSession];
    nextSession = nextSession + 1 == sessionIds.length ? 0 : nextSession + 1;
    return id;
  }

  private static void check(boolean ok, String what, int found) {
    if (!ok) {
      throw new IllegalStateException("unexpected " + what + ": " + found);
    }
  }
}
