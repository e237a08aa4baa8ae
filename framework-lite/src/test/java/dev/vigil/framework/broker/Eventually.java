package dev.vigil.framework.broker;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until a deadline instead of sleeping a fixed time. */
public final class Eventually {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private Eventually() {}

  public static void await(String what, BooleanSupplier condition) {
    await(what, DEFAULT_TIMEOUT, condition);
  }

  public static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after " + timeout.toMillis() + " ms waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
