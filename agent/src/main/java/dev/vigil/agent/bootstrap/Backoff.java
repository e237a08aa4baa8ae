package dev.vigil.agent.bootstrap;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with jitter between failed exports: initial delay doubling up to a maximum,
 * reset on success. Not thread-safe: the exporter thread owns one.
 */
public final class Backoff {
  public static final long DEFAULT_INITIAL_MILLIS = 1_000;
  public static final long DEFAULT_MAX_MILLIS = 30_000;

  private final long initialMillis;
  private final long maxMillis;
  private final double jitter;
  private int failures;

  public Backoff(long initialMillis, long maxMillis, double jitter) {
    if (initialMillis <= 0 || maxMillis < initialMillis) {
      throw new IllegalArgumentException(
          "initialMillis: "
              + initialMillis
              + ", maxMillis: "
              + maxMillis
              + " (expected: 0 < initial <= max)");
    }
    this.initialMillis = initialMillis;
    this.maxMillis = maxMillis;
    this.jitter = jitter;
  }

  /** The delay before the next attempt after one more failure. */
  public long nextDelayMillis() {
    int shift = Math.min(failures, 30);
    failures++;
    long base = Math.min(maxMillis, initialMillis << shift);
    if (base <= 0) {
      base = maxMillis;
    }
    if (jitter > 0) {
      double f = 1 + (ThreadLocalRandom.current().nextDouble() * 2 - 1) * jitter;
      base = Math.min(maxMillis, Math.max(1, (long) (base * f)));
    }
    return base;
  }

  public void reset() {
    failures = 0;
  }

  public int failures() {
    return failures;
  }
}
