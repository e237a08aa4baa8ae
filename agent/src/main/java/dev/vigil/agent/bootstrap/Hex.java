package dev.vigil.agent.bootstrap;

/** Lower-case hex for ids, without allocation beyond the caller's buffer. */
final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();
  private static final byte[] ASCII_DIGITS = {
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'
  };

  private Hex() {}

  static void write(long v, char[] dest, int offset) {
    for (int i = 15; i >= 0; i--) {
      dest[offset + i] = DIGITS[(int) (v & 0xf)];
      v >>>= 4;
    }
  }

  static void write(long v, byte[] dest, int offset) {
    for (int i = 15; i >= 0; i--) {
      dest[offset + i] = ASCII_DIGITS[(int) (v & 0xf)];
      v >>>= 4;
    }
  }

  /**
   * Parses 16 lower-case hex chars at {@code offset}; returns false in {@code ok[0]} if invalid.
   */
  static long parse(CharSequence s, int offset, boolean[] ok) {
    long v = 0;
    for (int i = 0; i < 16; i++) {
      int d = digit(s.charAt(offset + i));
      if (d < 0) {
        ok[0] = false;
        return 0;
      }
      v = (v << 4) | d;
    }
    return v;
  }

  static int digit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return -1;
  }
}
