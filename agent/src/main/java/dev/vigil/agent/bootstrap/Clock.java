package dev.vigil.agent.bootstrap;

/** Epoch nanoseconds from one wall-clock anchor plus the monotonic clock. */
public final class Clock {
  private static final long ANCHOR_EPOCH_NANOS = System.currentTimeMillis() * 1_000_000L;
  private static final long ANCHOR_NANO = System.nanoTime();

  private Clock() {}

  public static long nowEpochNanos() {
    return epochNanosAt(System.nanoTime());
  }

  /** The epoch time of a {@link System#nanoTime()} reading, so one reading can serve both. */
  public static long epochNanosAt(long nanoTime) {
    return ANCHOR_EPOCH_NANOS + (nanoTime - ANCHOR_NANO);
  }
}
