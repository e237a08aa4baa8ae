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
    if (parent == null) {
      return startRoot(name, kind, origin);
    }
    return child(
        name,
        kind,
        parent.traceIdHigh(),
        parent.traceIdLow(),
        parent.isSampled(),
        parent.traceState(),
        parent.spanId(),
        origin);
  }

  /**
   * Starts a span whose parent is the remote one named by W3C trace headers, or a new trace when
   * {@code traceparent} is absent or invalid: {@code startWithParent(name, kind,
   * TraceParent.parse(traceparent, tracestate), origin)} without the intermediate context.
   */
  public static Span startWithRemoteParent(
      String name, SpanKind kind, String traceparent, String tracestate, String origin) {
    int at = TraceParent.validAt(traceparent);
    if (at < 0) {
      return startRoot(name, kind, origin);
    }
    return child(
        name,
        kind,
        TraceParent.traceIdHigh(traceparent, at),
        TraceParent.traceIdLow(traceparent, at),
        (TraceParent.flags(traceparent, at) & SpanContext.FLAG_SAMPLED) != 0,
        TraceParent.traceState(tracestate),
        TraceParent.spanId(traceparent, at),
        origin);
  }

  private static Span startRoot(String name, SpanKind kind, String origin) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long spanId = nonZero(random);
    long hi = random.nextLong();
    long lo = nonZero(random);
    byte flags =
        Sampler.sampleRoot(lo, LiveSettings.get().samplerRatio()) ? SpanContext.FLAG_SAMPLED : 0;
    return new Span(name, kind, new SpanContext(hi, lo, spanId, flags, "", false), 0, origin);
  }

  private static Span child(
      String name,
      SpanKind kind,
      long traceIdHigh,
      long traceIdLow,
      boolean sampled,
      String traceState,
      long parentSpanId,
      String origin) {
    long spanId = nonZero(ThreadLocalRandom.current());
    byte flags = sampled ? SpanContext.FLAG_SAMPLED : 0;
    SpanContext context =
        new SpanContext(traceIdHigh, traceIdLow, spanId, flags, traceState, false);
    return new Span(name, kind, context, parentSpanId, origin);
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
