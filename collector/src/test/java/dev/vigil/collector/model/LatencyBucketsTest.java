package dev.vigil.collector.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyBucketsTest {
  @Test
  void durationsFallIntoTheBucketWhoseUpperBoundCoversThem() {
    assertThat(LatencyBuckets.indexOf(0)).isZero();
    assertThat(LatencyBuckets.indexOf(1000)).isZero();
    assertThat(LatencyBuckets.indexOf(1001)).isEqualTo(1);
    assertThat(LatencyBuckets.indexOf(2000)).isEqualTo(2);
    assertThat(LatencyBuckets.indexOf(Long.MAX_VALUE)).isEqualTo(LatencyBuckets.BOUNDED);
    for (int i = 0; i < LatencyBuckets.BOUNDED; i++) {
      assertThat(LatencyBuckets.indexOf(LatencyBuckets.upperBoundNs(i))).isEqualTo(i);
    }
  }

  @Test
  void quantilesReadFromBucketsAreWithinTheBucketResolution() {
    long[] counts = new long[LatencyBuckets.COUNT];
    for (int ms = 1; ms <= 100; ms++) {
      counts[LatencyBuckets.indexOf(ms * 1_000_000L)]++;
    }
    assertThat((double) LatencyBuckets.quantileNs(counts, 0.5)).isCloseTo(50e6, within(15e6));
    assertThat((double) LatencyBuckets.quantileNs(counts, 0.99)).isCloseTo(99e6, within(30e6));
    assertThat(LatencyBuckets.quantileNs(new long[LatencyBuckets.COUNT], 0.99)).isZero();
  }
}
