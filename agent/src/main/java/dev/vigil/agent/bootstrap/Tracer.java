package dev.vigil.agent.bootstrap;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Starts spans and tracks the current one per thread. Also carries the per-thread suppression flag
 * that keeps the agent's own work (its HTTP export calls) from being traced. Thread-safe.
 */
public final class Tracer {
  private static final ThreadLocal<ThreadState> STATE = ThreadLocal.withInitial(ThreadState::new);

  private Tracer() {}

  /** The current span of this thread, or null. */
  public static Span current() {
    return STATE.get().current;
  }

  /**
   * Starts a span whose parent is {@code remoteParent} when given, else this thread's current span,
   * else none (a new trace, sampled by ratio).
   */
  public static Span start(String name, SpanKind kind, SpanContext remoteParent, String origin) {
    SpanContext parent = remoteParent;
    if (parent == null) {
      Span current = STATE.get().current;
      if (current != null) {
        parent = current.context;
      }
    }
    return startWithParent(name, kind, parent, origin);
  }

  /** Starts a span with exactly this parent (null: a new trace). */
  public static Span startWithParent(
      String name, SpanKind kind, SpanContext parent, String origin) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long spanId = nonZero(random);
    long hi;
    long lo;
    byte flags;
    String state;
    long parentSpanId;
    if (parent != null) {
      hi = parent.traceIdHigh();
      lo = parent.traceIdLow();
      flags = parent.isSampled() ? SpanContext.FLAG_SAMPLED : 0;
      state = parent.traceState();
      parentSpanId = parent.spanId();
    } else {
      hi = random.nextLong();
      lo = nonZero(random);
      flags =
          Sampler.sampleRoot(lo, LiveSettings.get().samplerRatio()) ? SpanContext.FLAG_SAMPLED : 0;
      state = "";
      parentSpanId = 0;
    }
    return new Span(
        name, kind, new SpanContext(hi, lo, spanId, flags, state, false), parentSpanId, origin);
  }

  /** Makes the span current on this thread until {@link #deactivate}. */
  public static void activate(Span span) {
    ThreadState s = STATE.get();
    span.previous = s.current;
    s.current = span;
  }

  /** Restores the span that was current before {@link #activate}. */
  public static void deactivate(Span span) {
    ThreadState s = STATE.get();
    if (s.current == span) {
      s.current = span.previous;
    }
    span.previous = null;
  }

  /** Whether this thread is doing the agent's own work, which is never traced. */
  public static boolean isSuppressed() {
    return STATE.get().suppressed > 0;
  }

  public static void suppress() {
    STATE.get().suppressed++;
  }

  public static void unsuppress() {
    ThreadState s = STATE.get();
    if (s.suppressed > 0) {
      s.suppressed--;
    }
  }

  private static long nonZero(ThreadLocalRandom random) {
    long v;
    do {
      v = random.nextLong();
    } while (v == 0);
    return v;
  }

  private static final class ThreadState {
    Span current;
    int suppressed;
  }
}
