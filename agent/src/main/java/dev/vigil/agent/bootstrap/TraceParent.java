package dev.vigil.agent.bootstrap;

import java.nio.charset.StandardCharsets;

/**
 * W3C Trace Context {@code traceparent}/{@code tracestate}: strict parsing (a bad header is ignored
 * and a new trace starts, as the spec asks) and formatting. Stateless.
 */
public final class TraceParent {
  public static final String TRACEPARENT = "traceparent";
  public static final String TRACESTATE = "tracestate";
  private static final int MAX_TRACESTATE_LENGTH = 512;

  private TraceParent() {}

  /**
   * Parses {@code 00-<32 hex>-<16 hex>-<2 hex>} (lower-case hex, non-zero ids), ignoring leading
   * and trailing whitespace. Versions above 00 are accepted when the first four fields are well
   * formed, per the spec's forward compatibility rule; version ff is invalid.
   *
   * @return the remote context, or null when the header is absent or invalid
   */
  public static SpanContext parse(String traceparent, String tracestate) {
    int at = validAt(traceparent);
    if (at < 0) {
      return null;
    }
    return new SpanContext(
        traceIdHigh(traceparent, at),
        traceIdLow(traceparent, at),
        spanId(traceparent, at),
        flags(traceparent, at),
        traceState(tracestate),
        true);
  }

  /**
   * Where the fields of a valid {@code traceparent} start (past leading whitespace), or -1 when the
   * header is absent or invalid (see {@link #parse}). With the accessors below, a caller reads the
   * ids straight from the header without allocating.
   */
  static int validAt(String s) {
    if (s == null) {
      return -1;
    }
    int from = 0;
    int to = s.length();
    while (from < to && s.charAt(from) <= ' ') {
      from++;
    }
    while (to > from && s.charAt(to - 1) <= ' ') {
      to--;
    }
    int len = to - from;
    if (len < 55) {
      return -1;
    }
    if (s.charAt(from + 2) != '-' || s.charAt(from + 35) != '-' || s.charAt(from + 52) != '-') {
      return -1;
    }
    int v1 = Hex.digit(s.charAt(from));
    int v2 = Hex.digit(s.charAt(from + 1));
    if (v1 < 0 || v2 < 0) {
      return -1;
    }
    int version = (v1 << 4) | v2;
    if (version == 0xff
        || (version == 0 && len != 55)
        || (version > 0 && len > 55 && s.charAt(from + 55) != '-')) {
      return -1;
    }
    if (Hex.digit(s.charAt(from + 53)) < 0
        || Hex.digit(s.charAt(from + 54)) < 0
        || !Hex.isHex16(s, from + 3)
        || !Hex.isHex16(s, from + 19)
        || !Hex.isHex16(s, from + 36)) {
      return -1;
    }
    if ((traceIdHigh(s, from) == 0 && traceIdLow(s, from) == 0) || spanId(s, from) == 0) {
      return -1;
    }
    return from;
  }

  static long traceIdHigh(String s, int at) {
    return Hex.parse16(s, at + 3);
  }

  static long traceIdLow(String s, int at) {
    return Hex.parse16(s, at + 19);
  }

  static long spanId(String s, int at) {
    return Hex.parse16(s, at + 36);
  }

  static byte flags(String s, int at) {
    return (byte) ((Hex.digit(s.charAt(at + 53)) << 4) | Hex.digit(s.charAt(at + 54)));
  }

  /** The trimmed header when it is short enough and printable ASCII, else empty. */
  static String traceState(String tracestate) {
    if (tracestate == null) {
      return "";
    }
    String t = tracestate.trim();
    return t.length() <= MAX_TRACESTATE_LENGTH && isPrintableAscii(t) ? t : "";
  }

  /**
   * {@code 00-<trace id>-<span id>-<flags>}. Written as Latin-1 bytes so the only allocation is the
   * string itself (its own byte array is a copy of the per-thread buffer).
   */
  public static String format(SpanContext c) {
    byte[] out = BUFFER.get();
    Hex.write(c.traceIdHigh(), out, 3);
    Hex.write(c.traceIdLow(), out, 19);
    Hex.write(c.spanId(), out, 36);
    out[54] = (byte) (c.isSampled() ? '1' : '0');
    return new String(out, 0, 55, StandardCharsets.ISO_8859_1);
  }

  private static final ThreadLocal<byte[]> BUFFER =
      ThreadLocal.withInitial(
          () -> {
            byte[] b = new byte[55];
            b[0] = '0';
            b[1] = '0';
            b[2] = '-';
            b[35] = '-';
            b[52] = '-';
            b[53] = '0';
            return b;
          });

  private static boolean isPrintableAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < 0x20 || ch > 0x7e) {
        return false;
      }
    }
    return true;
  }
}
