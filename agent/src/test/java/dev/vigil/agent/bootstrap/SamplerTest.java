package dev.vigil.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {
  @Test
  void childrenFollowTheParentDecisionWhateverTheRatio() {
    SpanContext sampled = new SpanContext(1, 2, 3, SpanContext.FLAG_SAMPLED, "", true);
    SpanContext dropped = new SpanContext(1, 2, 3, (byte) 0, "", true);
    assertThat(Sampler.shouldSample(sampled, 42, 0.0)).isTrue();
    assertThat(Sampler.shouldSample(dropped, 42, 1.0)).isFalse();
  }

  @Test
  void ratioOneKeepsEveryRootAndZeroKeepsNone() {
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 1000; i++) {
      long id = r.nextLong();
      assertThat(Sampler.shouldSample(null, id, 1.0)).isTrue();
      assertThat(Sampler.shouldSample(null, id, 0.0)).isFalse();
    }
  }

  @Test
  void ratioKeepsAboutThatShareOfRoots() {
    SplittableRandom r = new SplittableRandom(7);
    int kept = 0;
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      if (Sampler.sampleRoot(r.nextLong(), 0.1)) {
        kept++;
      }
    }
    assertThat(kept).isBetween(9_000, 11_000);
  }

  @Test
  void sameTraceIdGetsTheSameDecisionEverywhere() {
    long id = 0x1234_5678_9abc_def0L;
    assertThat(Sampler.sampleRoot(id, 0.5)).isEqualTo(Sampler.sampleRoot(id, 0.5));
  }
}
