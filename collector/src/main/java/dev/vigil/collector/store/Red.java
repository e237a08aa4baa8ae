package dev.vigil.collector.store;

import dev.vigil.collector.model.LatencyBuckets;

/**
 * Rate, errors and duration of a set of requests over a window, read from the per-minute rollups.
 * Percentiles are estimated from the fixed log-scale buckets (relative error below 41%, usually far
 * less thanks to interpolation).
 */
public record Red(
    long requests,
    long errors,
    double ratePerSecond,
    double errorRate,
    long meanNs,
    long p50Ns,
    long p95Ns,
    long p99Ns) {
  static Red of(long requests, long errors, long durationSumNs, long[] buckets, double seconds) {
    return new Red(
        requests,
        errors,
        seconds > 0 ? requests / seconds : 0,
        requests > 0 ? (double) errors / requests : 0,
        requests > 0 ? durationSumNs / requests : 0,
        LatencyBuckets.quantileNs(buckets, 0.50),
        LatencyBuckets.quantileNs(buckets, 0.95),
        LatencyBuckets.quantileNs(buckets, 0.99));
  }
}
