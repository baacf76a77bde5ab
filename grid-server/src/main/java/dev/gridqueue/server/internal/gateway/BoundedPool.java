package dev.gridqueue.server.internal.gateway;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A fixed pool of daemon threads with a bounded queue: work beyond the queue is refused at once
 * ({@code RejectedExecutionException}, answered RESOURCE_EXHAUSTED) rather than queued without
 * bound.
 */
final class BoundedPool {
  private BoundedPool() {}

  static ThreadPoolExecutor of(String name, int threads, int queue) {
    return new ThreadPoolExecutor(
        threads,
        threads,
        0,
        TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(queue),
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        },
        new ThreadPoolExecutor.AbortPolicy());
  }
}
