package dev.gridqueue.server.internal.ops;

import dev.gridqueue.proto.v1.Stats;
import dev.gridqueue.scheduler.Scheduler;
import dev.gridqueue.server.internal.gateway.WireStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.ignite.Ignite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the scheduler for the grid's figures once a period, for everything on this node that shows
 * them without a client asking (health, metrics, dashboard): one question per period however many
 * read the answer. A failed question means the scheduler is not reachable from here.
 */
public final class GridFiguresPoller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GridFiguresPoller.class);

  private final Ignite ignite;
  private final ScheduledExecutorService timer;
  private final List<Consumer<Optional<Stats>>> listeners = new ArrayList<>();
  private volatile Stats latest;

  /** Failed questions in a row; a scheduler moving to another node costs one or two. */
  private int failuresInARow;

  /** Failed questions in a row worth a warning (with a one-second period: ten seconds). */
  private static final int WARN_AFTER_FAILURES = 10;

  public GridFiguresPoller(Ignite ignite) {
    this.ignite = ignite;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "gridqueue-figures");
              t.setDaemon(true);
              return t;
            });
  }

  /** Called after each question with the figures, or empty when the scheduler did not answer. */
  public synchronized GridFiguresPoller onFigures(Consumer<Optional<Stats>> listener) {
    listeners.add(listener);
    return this;
  }

  public void start(Duration period) {
    timer.scheduleWithFixedDelay(this::poll, 0, period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The last figures the scheduler gave, if it ever answered. */
  public Optional<Stats> latest() {
    return Optional.ofNullable(latest);
  }

  private void poll() {
    Optional<Stats> figures;
    try {
      figures =
          Optional.of(
              WireStats.of(
                  Scheduler.stats(ignite).figures(null),
                  ignite.cluster().forServers().nodes().size()));
      latest = figures.get();
      if (failuresInARow >= WARN_AFTER_FAILURES) {
        LOG.info("the scheduler answers again; health SERVING");
      }
      failuresInARow = 0;
    } catch (RuntimeException e) {
      figures = Optional.empty();
      failuresInARow++;
      // While the scheduler moves to another node (its host left) this is expected for a moment.
      if (failuresInARow == WARN_AFTER_FAILURES) {
        LOG.warn(
            "the scheduler has not answered for {} questions ({}); health NOT_SERVING until it does",
            failuresInARow,
            e.toString());
      } else {
        LOG.debug("the scheduler does not answer", e);
      }
    }
    List<Consumer<Optional<Stats>>> now;
    synchronized (this) {
      now = List.copyOf(listeners);
    }
    for (Consumer<Optional<Stats>> l : now) {
      try {
        l.accept(figures);
      } catch (RuntimeException e) {
        LOG.warn("figures listener failed", e);
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
