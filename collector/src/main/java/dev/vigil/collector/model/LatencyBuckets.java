package dev.vigil.collector.model;

/**
 * The fixed log-scale latency buckets of the rollup tables: the upper bound of bucket {@code i} is
 * {@code 1 µs * 2^(i/2)} for {@code i < BOUNDED}, covering 1 µs to about 95 s with at most 41%
 * relative error, and the last bucket is unbounded. Fixed buckets make per-minute histograms
 * addable across minutes, operations and collectors, so p50/p95/p99 of any window can be read from
 * the sum.
 *
 * <p>Stateless and thread-safe.
 */
public final class LatencyBuckets {
  /** Number of buckets with a finite upper bound. */
  public static final int BOUNDED = 54;

  /** Length of every bucket array (the bounded buckets plus the overflow bucket). */
  public static final int COUNT = BOUNDED + 1;

  private static final long[] UPPER_BOUNDS_NS = new long[BOUNDED];

  static {
    for (int i = 0; i < BOUNDED; i++) {
      UPPER_BOUNDS_NS[i] = Math.round(1000 * Math.pow(2, i / 2.0));
    }
  }

  private LatencyBuckets() {}

  /** Upper bound of bucket {@code index} in nanoseconds; {@link Long#MAX_VALUE} for the last. */
  public static long upperBoundNs(int index) {
    return index >= BOUNDED ? Long.MAX_VALUE : UPPER_BOUNDS_NS[index];
  }

  /** The bucket a duration falls into (durations equal to a bound fall into that bucket). */
  public static int indexOf(long durationNs) {
    if (durationNs <= UPPER_BOUNDS_NS[0]) {
      return 0;
    }
    int low = 1;
    int high = BOUNDED;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (durationNs <= UPPER_BOUNDS_NS[mid]) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return low;
  }

  /**
   * Estimates the {@code quantile} (0..1) of the durations counted in {@code counts}, in
   * nanoseconds, by interpolating geometrically inside the bucket where it falls. Returns 0 for an
   * empty histogram.
   */
  public static long quantileNs(long[] counts, double quantile) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    if (total == 0) {
      return 0;
    }
    double rank = quantile * total;
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] == 0) {
        continue;
      }
      if (seen + counts[i] >= rank) {
        double lower = i == 0 ? UPPER_BOUNDS_NS[0] / 2.0 : UPPER_BOUNDS_NS[i - 1];
        if (i >= BOUNDED) {
          return (long) lower;
        }
        double upper = UPPER_BOUNDS_NS[i];
        double fraction = Math.max(0, Math.min(1, (rank - seen) / counts[i]));
        return Math.round(lower * Math.pow(upper / lower, fraction));
      }
      seen += counts[i];
    }
    return UPPER_BOUNDS_NS[BOUNDED - 1];
  }
}
