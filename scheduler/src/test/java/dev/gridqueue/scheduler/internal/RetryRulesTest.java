package dev.gridqueue.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gridqueue.grid.store.QueuedBatchRef;
import dev.gridqueue.scheduler.internal.SchedulerState.Loss;
import dev.gridqueue.scheduler.internal.SessionQueue.QueuedEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RetryRules}: queued again or given up, and what each costs the batch. */
class RetryRulesTest {
  private final PolicyWorld world = new PolicyWorld();
  private final TaskTally tally = new TaskTally();
  private final CensusWindow census = new CensusWindow();
  private final RetryRules rules = new RetryRules(world.ledger, tally, census);

  @Test
  void shouldRunABatchLostWithItsWorkerAgainUpToMaxRetriesTimes() {
    // given: max_retries 2, so 3 attempts
    SessionQueue s = world.session(SessionInfo.builder("s", "echo").maxRetries(2).build());

    // when / then: lost in its second attempt, it runs a third; lost in the third, it is given up
    assertThat(RetryRules.giveUpReason(attempt(s, 2, 0, -1), s, Loss.WORKER_LOST, "gone")).isNull();
    assertThat(RetryRules.giveUpReason(attempt(s, 3, 0, -1), s, Loss.WORKER_LOST, "gone"))
        .isEqualTo("task lost with its worker in each of 3 attempts (max_retries 2)");
    assertThat(RetryRules.giveUpReason(attempt(s, 3, 0, -1), s, Loss.FAST_ABORTED, "slow"))
        .isEqualTo("task fast-aborted (too slow) in each of 3 attempts (max_retries 2)");
  }

  @Test
  void shouldLetABatchsOwnMaxRetriesOverrideItsSessions() {
    // given
    SessionQueue s = world.session(SessionInfo.builder("s", "echo").maxRetries(5).build());

    // when
    String reason = RetryRules.giveUpReason(attempt(s, 1, 0, 0), s, Loss.WORKER_LOST, "gone");

    // then
    assertThat(reason).contains("max_retries 0");
  }

  @Test
  void shouldApplyTheDefaultMaxRetriesWhenTheSessionIsGone() {
    // given: the session allowed none, but it is gone (owner null)
    SessionQueue s = world.session(SessionInfo.builder("s", "echo").maxRetries(0).build());
    int attempts = 1 + SessionInfo.DEFAULT_MAX_RETRIES;

    // when / then
    assertThat(
            RetryRules.giveUpReason(
                attempt(s, attempts - 1, 0, -1), null, Loss.WORKER_LOST, "gone"))
        .isNull();
    assertThat(RetryRules.giveUpReason(attempt(s, attempts, 0, -1), null, Loss.WORKER_LOST, "gone"))
        .contains("max_retries " + SessionInfo.DEFAULT_MAX_RETRIES);
  }

  @Test
  void shouldGiveUpAfterThreeFailingJobsButNotCountThemAgainstMaxRetries() {
    // given: max_retries 0
    SessionQueue s = world.session(SessionInfo.builder("s", "echo").maxRetries(0).build());

    // when / then: a second failing job is retried although attempts exceed max_retries
    assertThat(RetryRules.giveUpReason(attempt(s, 2, 1, -1), s, Loss.JOB_FAILED, "boom")).isNull();
    assertThat(
            RetryRules.giveUpReason(
                attempt(s, 3, RetryRules.MAX_JOB_FAILURES - 1, -1), s, Loss.JOB_FAILED, "boom"))
        .isEqualTo("batch failed 3 times: boom");
  }

  @Test
  void shouldCountAFailingJobOnTheRetriedBatchOnly() {
    // given
    SessionQueue s = world.session("s");
    QueuedEntry e = attempt(s, 2, 1, -1);

    // when
    QueuedEntry afterFailure = RetryRules.retry(e, Loss.JOB_FAILED, null);
    QueuedEntry afterLoss = RetryRules.retry(e, Loss.WORKER_LOST, "w9");

    // then
    assertThat(afterFailure.jobFailures()).isEqualTo(2);
    assertThat(afterFailure.attempts()).isEqualTo(2);
    assertThat(afterLoss.jobFailures()).isEqualTo(1);
    assertThat(afterLoss.avoidWorker()).isEqualTo("w9");
  }

  @Test
  void shouldQueueABatchReturnedUnstartedWithoutSpendingAnAttempt() {
    // given
    world.session("s");
    String key = world.queue("s", 1).get(0);
    world.worker("w1", 1);
    Assignment first = world.place().get(0);

    // when
    rules.returnedUnstarted(key, "w1");
    Assignment again = world.place().get(0);

    // then
    assertThat(first.attempt()).isEqualTo(1);
    assertThat(again.attempt()).isEqualTo(1);
  }

  @Test
  void shouldRetryAFastAbortedBatchOnAnotherWorkerAndStrikeTheSlowOne() {
    // given
    SessionQueue s = world.session(SessionInfo.builder("s", "echo").maxInflight(1).build());
    String key = world.queue("s", 1).get(0);
    world.worker("slow", 1);
    world.place();

    // when
    rules.requeue(key, "slow", Loss.FAST_ABORTED, "fast abort");

    // then: not on the slow worker again; on another one, as attempt 2
    assertThat(world.place()).isEmpty();
    world.worker("fast", 1);
    assertThat(world.place())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.workerId()).isEqualTo("fast");
              assertThat(a.attempt()).isEqualTo(2);
            });
    assertThat(s.fastAbort.blocklists("slow")).isFalse();
  }

  @Test
  void shouldDrainAWorkerBlocklistedByItsLastStrike() {
    // given: two strikes already; the session holds the slow worker with two batches
    SessionQueue s =
        world.session(SessionInfo.builder("s", "echo").maxInflight(2).maxRetries(10).build());
    FastAbort.strike(s, "slow");
    FastAbort.strike(s, "slow");
    List<String> keys = world.queue("s", 3);
    world.worker("slow", 1);
    world.place();

    // when
    rules.requeue(keys.get(0), "slow", Loss.FAST_ABORTED, "fast abort");

    // then: UNBIND with the unstarted batch handed back
    assertThat(s.fastAbort.blocklists("slow")).isTrue();
    assertThat(world.instructions.drain())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.workerId()).isEqualTo("slow");
              assertThat(i.returnUnstarted()).isTrue();
            });
  }

  @Test
  void shouldDeadLetterTheTasksOfABatchGivenUpOnAndHandItOutOnce() {
    // given: max_retries 0, a batch of 5 tasks running while a census runs
    SessionQueue s = world.session(SessionInfo.builder("s", "echo").maxRetries(0).build());
    String key = world.queue("s", null, null, 5);
    world.worker("w1", 1);
    world.place();
    census.open();

    // when
    rules.requeue(key, "w1", Loss.WORKER_LOST, "gone");

    // then
    assertThat(rules.drain())
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.batchKey()).isEqualTo(key);
              assertThat(g.attempts()).isEqualTo(1);
            });
    assertThat(rules.drain()).isEmpty();
    assertThat(tally.grid().deadLettered()).isEqualTo(5);
    assertThat(s.tasks.deadLettered()).isEqualTo(5);
    assertThat(census.sawEnd(key)).isTrue();
    assertThat(world.ledger.queuedCount()).isZero();
  }

  @Test
  void shouldIgnoreAReportFromAWorkerThatNoLongerRunsTheBatch() {
    // given
    world.session("s");
    String key = world.queue("s", 1).get(0);
    world.worker("w1", 1);
    world.place();

    // when
    rules.requeue(key, "w-old", Loss.JOB_FAILED, "late");
    rules.returnedUnstarted(key, "w-old");

    // then
    assertThat(world.ledger.isRunning(key)).isTrue();
    assertThat(world.ledger.queuedCount()).isZero();
    assertThat(rules.drain()).isEmpty();
  }

  /**
   * The batch as it comes back after {@code attempts} attempts and {@code jobFailures} failing
   * jobs.
   */
  private static QueuedEntry attempt(
      SessionQueue s, int attempts, int jobFailures, int batchMaxRetries) {
    QueuedBatchRef ref =
        new QueuedBatchRef(s.id() + "/x", s.id(), 0, 1, 1, null, null, batchMaxRetries);
    return new QueuedEntry(ref, null, attempts, jobFailures, null);
  }
}
