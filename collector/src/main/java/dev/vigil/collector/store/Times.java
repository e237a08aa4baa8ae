package dev.vigil.collector.store;

import java.time.Instant;

/** Epoch-nanosecond conversions; the schema stores every time as epoch nanoseconds. */
public final class Times {
  private Times() {}

  public static long nanos(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
  }

  public static Instant instant(long epochNanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
  }
}
