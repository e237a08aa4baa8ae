package dev.vigil.console.api;

import dev.vigil.collector.store.Times;
import java.time.Instant;

/**
 * A validated half-open time range {@code [startNs, endNs)} in Unix epoch nanoseconds.
 *
 * <p>Immutable.
 */
record TimeWindow(long startNs, long endNs) {
  TimeWindow {
    if (startNs < 0 || endNs <= startNs) {
      throw new IllegalArgumentException(
          "window: [" + startNs + ", " + endNs + ") (expected: 0 <= start < end)");
    }
  }

  long lengthNs() {
    return endNs - startNs;
  }

  Instant from() {
    return Times.instant(startNs);
  }

  Instant to() {
    return Times.instant(endNs);
  }
}
