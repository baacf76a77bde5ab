package dev.gridqueue.scheduler.internal;

import dev.gridqueue.grid.store.GridCounter;
import dev.gridqueue.grid.store.ResourceAmounts;
import dev.gridqueue.grid.work.BatchUsage;
import dev.gridqueue.scheduler.internal.SchedulerState.GivenUp;
import dev.gridqueue.scheduler.internal.SchedulerState.Loss;
import dev.gridqueue.scheduler.internal.SessionQueue.QueuedEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * What becomes of a batch whose job did not complete: run again, or given up (its tasks become dead
 * letters with the reason). A batch runs at most 1 + max_retries times when its worker is lost or
 * it is fast-aborted or held past its deadline (the batch's own max_retries, else its session's),
 * and fails after {@link #MAX_JOB_FAILURES} failing jobs whatever the cause. A fast-aborted batch,
 * or one its worker held past the deadline, avoids that worker next time ({@link FastAbort} counts
 * the strike: a worker that keeps doing it is blocklisted for the session and unbound). A batch
 * handed back unstarted was not an attempt. Its state is the list of batches given up on, until the
 * loop takes them.
 */
final class RetryRules {
  /** Failed jobs (not worker losses or fast aborts) after which a batch is given up on. */
  static final int MAX_JOB_FAILURES = 3;

  private final Ledger ledger;
  private final TaskTally tally;
  private final CensusWindow census;
  private final List<GivenUp> givenUp = new ArrayList<>();
  private TransactionsLog log = TransactionsLog.OFF;

  RetryRules(Ledger ledger, TaskTally tally, CensusWindow census) {
    this.ledger = ledger;
    this.tally = tally;
    this.census = census;
  }

  /** Where retries, give-ups and fast-abort strikes are logged. */
  void logTo(TransactionsLog log) {
    this.log = log;
  }

  /**
   * The batch's job did not complete on the worker: it is queued again, or given up on. A report
   * about a batch the worker no longer holds (it moved on already) is ignored.
   */
  void requeue(String key, String workerId, Loss loss, String detail) {
    Ledger.InFlight running = ledger.takeBack(key, workerId);
    if (running == null) {
      return;
    }
    QueuedEntry e = running.entry();
    SessionQueue owner = ledger.session(e.ref().sessionId);
    WorkerLoad worker = ledger.worker(workerId);
    if (loss == Loss.FAST_ABORTED) {
      tally.worker(worker, GridCounter.WORKERS_FAST_ABORTED);
      log.workerStruck(worker, e.ref().sessionId, false);
    }
    String reason = giveUpReason(e, owner, loss, detail);
    if (reason != null) {
      givenUp.add(new GivenUp(key, e.attempts(), reason));
      census.ended(key);
      tally.gaveUp(owner, e.ref().taskCount);
      log.deadLetter(key, e.ref().taskCount, e.attempts(), reason);
      return;
    }
    String avoid = e.avoidWorker();
    if ((loss == Loss.FAST_ABORTED || loss == Loss.HELD_PAST_DEADLINE) && owner != null) {
      avoid = workerId;
      if (FastAbort.strike(owner, workerId)) {
        tally.worker(worker, GridCounter.WORKERS_BLOCKLISTED);
        log.workerStruck(worker, e.ref().sessionId, true);
        ledger.bindings().drainBlocklisted(worker, owner);
      }
    }
    tally.retried(owner, e.ref().taskCount);
    log.retry(key, workerId, why(loss));
    ledger.requeue(retry(e, loss, avoid));
  }

  /**
   * A task of the batch went past its allocation ({@code why}, measured {@code usage}): queued
   * again with its category's maximum (Work Queue's rule: once, and only when that is larger; a
   * batch already at its maximum is not told to come back, its task ends instead). Not counted
   * against max_retries.
   */
  void retryAtMax(String key, String workerId, String why, BatchUsage usage) {
    Ledger.InFlight running = ledger.takeBack(key, workerId);
    if (running == null) {
      return;
    }
    QueuedEntry e = running.entry();
    SessionQueue owner = ledger.session(e.ref().sessionId);
    ResourceAmounts bigger = CategorySizing.atMax(owner, e);
    if (owner == null || bigger == null) {
      ledger.requeue(e); // closed meanwhile (dropped), or nothing larger: runs as it was
      return;
    }
    CategorySizing.retriedAtMax(owner, e, usage);
    tally.retried(owner, e.ref().taskCount);
    log.retry(key, workerId, "RESOURCE_EXHAUSTION");
    ledger.requeue(new QueuedEntry(e.ref(), bigger, e.attempts(), e.jobFailures(), null));
  }

  private static String why(Loss loss) {
    return switch (loss) {
      case WORKER_LOST -> "WORKER_LOST";
      case JOB_FAILED -> "JOB_FAILED";
      case FAST_ABORTED -> "FAST_ABORT";
      case HELD_PAST_DEADLINE -> "HELD_PAST_DEADLINE";
    };
  }

  /** The worker handed the batch back unstarted (it was unbound): queued again as it was. */
  void returnedUnstarted(String key, String workerId) {
    Ledger.InFlight running = ledger.takeBack(key, workerId);
    if (running != null) {
      log.retry(key, workerId, "RETURNED");
      ledger.requeue(returnedUnstarted(running.entry()));
    }
  }

  /**
   * Why the batch is not run again after {@code loss}; null: it is. {@code owner} is its session,
   * null if closed (then the default max_retries applies).
   */
  static String giveUpReason(QueuedEntry e, SessionQueue owner, Loss loss, String detail) {
    int failures = failuresAfter(e, loss);
    if (failures >= MAX_JOB_FAILURES) {
      return "batch failed " + failures + " times: " + detail;
    }
    int maxRetries = maxRetries(e, owner);
    if (loss != Loss.JOB_FAILED && e.attempts() > maxRetries) {
      return (switch (loss) {
            case FAST_ABORTED -> "task fast-aborted (too slow)";
            case HELD_PAST_DEADLINE -> "task held past its deadline by its worker";
            default -> "task lost with its worker";
          })
          + " in each of "
          + e.attempts()
          + " attempts (max_retries "
          + maxRetries
          + ")";
    }
    return null;
  }

  /**
   * The batch as it is queued again after {@code loss}, avoiding {@code avoidWorker} (null: none).
   */
  static QueuedEntry retry(QueuedEntry e, Loss loss, String avoidWorker) {
    return new QueuedEntry(e.ref(), e.need(), e.attempts(), failuresAfter(e, loss), avoidWorker);
  }

  /**
   * The batch as it is queued again after its worker handed it back unstarted: no attempt spent.
   */
  static QueuedEntry returnedUnstarted(QueuedEntry e) {
    return new QueuedEntry(e.ref(), e.need(), e.attempts() - 1, e.jobFailures(), e.avoidWorker());
  }

  /** Batches given up on since the last call, to be dead-lettered by the dispatcher. */
  List<GivenUp> drain() {
    if (givenUp.isEmpty()) {
      return List.of();
    }
    List<GivenUp> drained = List.copyOf(givenUp);
    givenUp.clear();
    return drained;
  }

  private static int failuresAfter(QueuedEntry e, Loss loss) {
    return e.jobFailures() + (loss == Loss.JOB_FAILED ? 1 : 0);
  }

  /** The batch's max_retries if it set one (≥ 0), else its session's, else the default. */
  private static int maxRetries(QueuedEntry e, SessionQueue owner) {
    if (e.ref().maxRetries >= 0) {
      return e.ref().maxRetries;
    }
    return owner == null ? SessionInfo.DEFAULT_MAX_RETRIES : owner.info.maxRetries();
  }
}
