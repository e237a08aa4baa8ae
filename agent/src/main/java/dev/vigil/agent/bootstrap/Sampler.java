package dev.vigil.agent.bootstrap;

/**
 * Parent-based ratio sampling: a span with a parent follows the parent's sampled flag; a root span
 * is sampled when the low 63 bits of its trace id fall under {@code ratio * 2^63}, so every service
 * using the same ratio makes the same decision for the same trace. Stateless.
 */
public final class Sampler {
  private Sampler() {}

  public static boolean shouldSample(SpanContext parent, long traceIdLow, double ratio) {
    if (parent != null) {
      return parent.isSampled();
    }
    return sampleRoot(traceIdLow, ratio);
  }

  public static boolean sampleRoot(long traceIdLow, double ratio) {
    if (ratio >= 1.0) {
      return true;
    }
    if (ratio <= 0.0) {
      return false;
    }
    long bound = (long) (ratio * Long.MAX_VALUE);
    return (traceIdLow & Long.MAX_VALUE) < bound;
  }
}
