package dev.vigil.agent.bootstrap;

/**
 * The propagated part of a span: 128-bit trace id (two longs), 64-bit span id, trace flags and the
 * opaque W3C {@code tracestate}. Immutable.
 */
public final class SpanContext {
  public static final byte FLAG_SAMPLED = 1;

  private final long traceIdHigh;
  private final long traceIdLow;
  private final long spanId;
  private final byte flags;
  private final String traceState;
  private final boolean remote;

  public SpanContext(
      long traceIdHigh,
      long traceIdLow,
      long spanId,
      byte flags,
      String traceState,
      boolean remote) {
    this.traceIdHigh = traceIdHigh;
    this.traceIdLow = traceIdLow;
    this.spanId = spanId;
    this.flags = flags;
    this.traceState = traceState == null ? "" : traceState;
    this.remote = remote;
  }

  public long traceIdHigh() {
    return traceIdHigh;
  }

  public long traceIdLow() {
    return traceIdLow;
  }

  public long spanId() {
    return spanId;
  }

  public byte flags() {
    return flags;
  }

  public boolean isSampled() {
    return (flags & FLAG_SAMPLED) != 0;
  }

  /** The W3C tracestate header value; empty when none. */
  public String traceState() {
    return traceState;
  }

  public boolean isRemote() {
    return remote;
  }

  public String traceIdHex() {
    char[] c = new char[32];
    Hex.write(traceIdHigh, c, 0);
    Hex.write(traceIdLow, c, 16);
    return new String(c);
  }

  public String spanIdHex() {
    char[] c = new char[16];
    Hex.write(spanId, c, 0);
    return new String(c);
  }

  @Override
  public String toString() {
    return TraceParent.format(this);
  }
}
