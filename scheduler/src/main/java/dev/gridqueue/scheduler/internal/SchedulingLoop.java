package dev.gridqueue.scheduler.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that owns the {@link SchedulerState}: it applies events (batches queued, jobs
 * finished, workers joined or left) in arrival order, then hands the resulting assignments to the
 * dispatcher. Draining every pending event before assigning batches the work per decision.
 */
final class SchedulingLoop {
  private static final Logger LOG = LoggerFactory.getLogger(SchedulingLoop.class);

  static final long TICK_MILLIS = 100;

  private final SchedulerState state;
  private final BlockingQueue<Consumer<SchedulerState>> events = new LinkedBlockingQueue<>();
  private volatile boolean stopped;

  SchedulingLoop(SchedulerState state) {
    this.state = state;
  }

  /** Queues an event for the loop thread; safe from any thread. */
  void post(Consumer<SchedulerState> event) {
    events.add(event);
  }

  void stop() {
    stopped = true;
  }

  /** Where the loop's decisions go. */
  interface Decisions {
    void dispatch(Assignment assignment);

    void deadLetter(SchedulerState.GivenUp givenUp);

    void instruct(Instruction instruction);
  }

  /**
   * Runs on the calling thread until {@link #stop()}, handing decisions to {@code decisions}. With
   * no event for {@link #TICK_MILLIS} ms it decides anyway: time alone (a fair-share quantum
   * passing) can call for a decision.
   */
  void run(Decisions decisions) {
    List<Consumer<SchedulerState>> drained = new ArrayList<>();
    while (!stopped) {
      try {
        Consumer<SchedulerState> first = events.poll(TICK_MILLIS, TimeUnit.MILLISECONDS);
        if (first != null) {
          drained.add(first);
          events.drainTo(drained);
          for (Consumer<SchedulerState> event : drained) {
            event.accept(state);
          }
          drained.clear();
        }
        state.drainGivenUp().forEach(decisions::deadLetter);
        for (Assignment assignment : state.assign()) {
          decisions.dispatch(assignment);
        }
        state.drainInstructions().forEach(decisions::instruct);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        drained.clear();
        LOG.error("scheduling step failed; continuing", e);
      }
    }
  }
}
