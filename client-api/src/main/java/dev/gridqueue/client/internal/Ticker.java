package dev.gridqueue.client.internal;

/**
 * Monotonic time in nanoseconds. Sessions measure outages only through a ticker, so tests move time
 * by hand instead of sleeping.
 */
@FunctionalInterface
public interface Ticker {
  Ticker SYSTEM = System::nanoTime;

  long nanoTime();
}
