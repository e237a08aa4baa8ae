package dev.vigil.collector.store;

import java.util.HexFormat;
import java.util.Locale;

/** Converts trace and span ids between lowercase hex (the API form) and bytes (the stored form). */
public final class Ids {
  private static final HexFormat HEX = HexFormat.of();

  private Ids() {}

  /** Parses a 32-char trace id or 16-char span id; throws IllegalArgumentException otherwise. */
  public static byte[] parse(String hex, int bytes) {
    String h = hex.trim().toLowerCase(Locale.ROOT);
    if (h.length() != bytes * 2) {
      throw new IllegalArgumentException(
          "id: " + hex + " (expected: " + bytes * 2 + " hex characters)");
    }
    try {
      return HEX.parseHex(h);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("id: " + hex + " (expected: hex characters)", e);
    }
  }

  public static byte[] traceId(String hex) {
    return parse(hex, 16);
  }

  public static String hex(byte[] id) {
    return HEX.formatHex(id);
  }
}
