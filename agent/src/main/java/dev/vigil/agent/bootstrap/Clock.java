package dev.vigil.agent.bootstrap;

/** Epoch nanoseconds from one wall-clock anchor plus the monotonic clock. */
public final class Clock {
  private static final long ANCHOR_EPOCH_NANOS = System.currentTimeMillis() * 1_000_000L;
  private static final long ANCHOR_NANO = System.nanoTime();

  private Clock() {}

  public static long nowEpochNanos() {
    return ANCHOR_EPOCH_NANOS + (System.nanoTime() - ANCHOR_NANO);
  }
}
