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
   * Parses {@code 00-<32 hex>-<16 hex>-<2 hex>} (lower-case hex, non-zero ids). Versions above 00
   * are accepted when the first four fields are well formed, per the spec's forward compatibility
   * rule; version ff is invalid.
   *
   * @return the remote context, or null when the header is absent or invalid
   */
  public static SpanContext parse(String traceparent, String tracestate) {
    if (traceparent == null) {
      return null;
    }
    String s = traceparent.trim();
    int len = s.length();
    if (len < 55) {
      return null;
    }
    if (s.charAt(2) != '-' || s.charAt(35) != '-' || s.charAt(52) != '-') {
      return null;
    }
    int v1 = Hex.digit(s.charAt(0));
    int v2 = Hex.digit(s.charAt(1));
    if (v1 < 0 || v2 < 0) {
      return null;
    }
    int version = (v1 << 4) | v2;
    if (version == 0xff) {
      return null;
    }
    if (version == 0 && len != 55) {
      return null;
    }
    if (version > 0 && len > 55 && s.charAt(55) != '-') {
      return null;
    }
    boolean[] ok = {true};
    long hi = Hex.parse(s, 3, ok);
    long lo = Hex.parse(s, 19, ok);
    long spanId = Hex.parse(s, 36, ok);
    int f1 = Hex.digit(s.charAt(53));
    int f2 = Hex.digit(s.charAt(54));
    if (!ok[0] || f1 < 0 || f2 < 0) {
      return null;
    }
    if ((hi == 0 && lo == 0) || spanId == 0) {
      return null;
    }
    String state = "";
    if (tracestate != null) {
      String t = tracestate.trim();
      if (t.length() <= MAX_TRACESTATE_LENGTH && isPrintableAscii(t)) {
        state = t;
      }
    }
    return new SpanContext(hi, lo, spanId, (byte) ((f1 << 4) | f2), state, true);
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
