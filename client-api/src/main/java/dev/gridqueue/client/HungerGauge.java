package dev.gridqueue.client;

import dev.gridqueue.client.internal.TaskSender;
import dev.gridqueue.proto.v1.SessionStats;
import dev.gridqueue.proto.v1.Stats;
import dev.gridqueue.proto.v1.WorkerStats;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Work Queue's {@code hungry()} for one session: whether fewer of its tasks wait than the grid's
 * workers could start right away, twice over. Work Queue counts waiting tasks against workers
 * ({@code hungry-minimum} 10, {@code hungry-minimum-factor} 2); here a worker runs batches in
 * slots, so the session is hungry while
 *
 * <pre>tasks waiting &lt; max({@value ContractLimits#HUNGRY_MINIMUM_TASKS},
 *                   {@value ContractLimits#HUNGRY_FACTOR} x slots x batch size)</pre>
 *
 * where tasks waiting are the session's tasks not dispatched yet: those the client submitted and
 * has no result of (it knows them exactly, including those the scheduler has not heard of yet) less
 * those the grid reports running; and slots are the slots of the connected workers serving the
 * session's app, scaled down to {@code max_workers} of them when the session caps its workers. The
 * grid's figures are read with one {@code GetStats} call at most every {@link #REFRESH_NANOS} ns,
 * so a submit loop asking before every task costs no round trip per task. Thread-safe.
 */
final class HungerGauge {
  /** How long one reading of the grid's figures is used for. */
  static final long REFRESH_NANOS = 100_000_000L;

  private final Supplier<Stats> stats;
  private final int batchSize;
  private final LongSupplier nanos;

  private boolean read;
  private long readAtNanos;
  private long running;
  private long threshold;

  HungerGauge(Supplier<Stats> stats, int batchSize, LongSupplier nanos) {
    this.stats = stats;
    this.batchSize = batchSize;
    this.nanos = nanos;
  }

  synchronized boolean hungry(TaskSender.Counts counts) {
    long now = nanos.getAsLong();
    if (!read || now - readAtNanos >= REFRESH_NANOS) {
      Stats s = stats.get();
      SessionStats line = s.getSessionsCount() > 0 ? s.getSessions(0) : null;
      running = line == null ? 0 : line.getTasksRunning();
      threshold = threshold(s, line);
      readAtNanos = now;
      read = true;
    }
    long waiting = Math.max(0, counts.unsent() + counts.unfinished() - running);
    return waiting < threshold;
  }

  /** max(minimum, factor x usable slots x batch size). */
  private long threshold(Stats s, SessionStats line) {
    long slots = s.getTotalSlots();
    int workers = s.getWorkersConnected();
    if (line != null && s.getWorkersCount() > 0) {
      // Only the workers serving the session's app can start its tasks. (A client API key sees no
      // worker list: then every connected slot counts.)
      slots = 0;
      workers = 0;
      for (WorkerStats w : s.getWorkersList()) {
        if (w.getAppIdsList().contains(line.getAppId())) {
          slots += w.getSlots();
          workers++;
        }
      }
    }
    if (line != null && line.getMaxWorkers() > 0 && workers > line.getMaxWorkers()) {
      slots = (slots * line.getMaxWorkers() + workers - 1) / workers;
    }
    return Math.max(
        ContractLimits.HUNGRY_MINIMUM_TASKS, ContractLimits.HUNGRY_FACTOR * slots * batchSize);
  }
}
