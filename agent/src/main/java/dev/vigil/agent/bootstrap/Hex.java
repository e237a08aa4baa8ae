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

  /** Whether the 16 chars at {@code offset} are all lower-case hex digits. */
  static boolean isHex16(CharSequence s, int offset) {
    for (int i = 0; i < 16; i++) {
      if (digit(s.charAt(offset + i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The 16 lower-case hex chars at {@code offset}, checked first with {@link #isHex16}. */
  static long parse16(CharSequence s, int offset) {
    long v = 0;
    for (int i = 0; i < 16; i++) {
      v = (v << 4) | digit(s.charAt(offset + i));
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
