package dev.vigil.agent.bootstrap;

import java.util.Arrays;

/**
 * A reusable protobuf writer over one growable byte array. Nested messages reserve one length byte
 * and shift their content only when the length needs more, so encoding allocates nothing per field.
 * Not thread-safe: the exporter thread owns one.
 */
public final class ProtoWriter {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LEN = 2;
  static final int FIXED32 = 5;

  private byte[] buf;
  private int pos;
  private int[] starts = new int[16];
  private int depth;

  public ProtoWriter(int initialCapacity) {
    this.buf = new byte[initialCapacity];
  }

  public void reset() {
    pos = 0;
    depth = 0;
  }

  public int size() {
    return pos;
  }

  /** The written bytes are {@code buffer()[0, size())}; valid until the next write or reset. */
  byte[] buffer() {
    return buf;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }

  /** Drops an oversized buffer after a large batch so a burst does not pin memory. */
  public void trim(int maxRetained) {
    if (buf.length > maxRetained && pos == 0) {
      buf = new byte[maxRetained];
    }
  }

  private void ensure(int extra) {
    if (pos + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + extra));
    }
  }

  void tag(int field, int wireType) {
    rawVarint(((long) field << 3) | wireType);
  }

  void rawVarint(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[pos++] = (byte) v;
  }

  void rawFixed64(long v) {
    ensure(8);
    for (int i = 0; i < 8; i++) {
      buf[pos++] = (byte) (v >>> (8 * i));
    }
  }

  void rawFixed32(int v) {
    ensure(4);
    for (int i = 0; i < 4; i++) {
      buf[pos++] = (byte) (v >>> (8 * i));
    }
  }

  public void varint(int field, long v) {
    if (v != 0) {
      tag(field, VARINT);
      rawVarint(v);
    }
  }

  public void bool(int field, boolean v) {
    if (v) {
      tag(field, VARINT);
      rawVarint(1);
    }
  }

  public void fixed64(int field, long v) {
    if (v != 0) {
      tag(field, FIXED64);
      rawFixed64(v);
    }
  }

  /** A fixed64 written even when zero (for fields inside oneofs or {@code optional}). */
  public void fixed64Always(int field, long v) {
    tag(field, FIXED64);
    rawFixed64(v);
  }

  public void fixed32(int field, int v) {
    if (v != 0) {
      tag(field, FIXED32);
      rawFixed32(v);
    }
  }

  public void doubleAlways(int field, double v) {
    tag(field, FIXED64);
    rawFixed64(Double.doubleToRawLongBits(v));
  }

  public void string(int field, String s) {
    if (s == null || s.isEmpty()) {
      return;
    }
    stringAlways(field, s);
  }

  /** A string written even when empty (for values inside oneofs). */
  public void stringAlways(int field, String s) {
    tag(field, LEN);
    int len = s.length();
    // Most strings are ASCII, whose UTF-8 length is their length: one pass, and a second only
    // when a character proves otherwise.
    int start = pos;
    rawVarint(len);
    ensure(len);
    byte[] b = buf;
    int p = pos;
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        pos = start;
        utf8(s);
        return;
      }
      b[p++] = (byte) c;
    }
    pos = p;
  }

  private void utf8(String s) {
    int n = utf8Length(s);
    rawVarint(n);
    ensure(n);
    int len = s.length();
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        buf[pos++] = (byte) c;
      } else if (c < 0x800) {
        buf[pos++] = (byte) (0xC0 | (c >>> 6));
        buf[pos++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)
          && i + 1 < len
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        buf[pos++] = (byte) (0xF0 | (cp >>> 18));
        buf[pos++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
        buf[pos++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
        buf[pos++] = (byte) (0x80 | (cp & 0x3F));
      } else if (Character.isSurrogate(c)) {
        buf[pos++] = (byte) '?';
      } else {
        buf[pos++] = (byte) (0xE0 | (c >>> 12));
        buf[pos++] = (byte) (0x80 | ((c >>> 6) & 0x3F));
        buf[pos++] = (byte) (0x80 | (c & 0x3F));
      }
    }
  }

  static int utf8Length(String s) {
    int len = s.length();
    int n = 0;
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < len
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        n++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /** 16 bytes, big-endian, as OTLP trace ids are. Omitted when both halves are zero. */
  public void traceId(int field, long high, long low) {
    if (high == 0 && low == 0) {
      return;
    }
    tag(field, LEN);
    rawVarint(16);
    bigEndian(high);
    bigEndian(low);
  }

  /** 8 bytes, big-endian. Omitted when zero. */
  public void spanId(int field, long id) {
    if (id == 0) {
      return;
    }
    tag(field, LEN);
    rawVarint(8);
    bigEndian(id);
  }

  private void bigEndian(long v) {
    ensure(8);
    for (int i = 7; i >= 0; i--) {
      buf[pos++] = (byte) (v >>> (8 * i));
    }
  }

  /** Starts a length-delimited field; close it with {@link #end}. */
  public void begin(int field) {
    tag(field, LEN);
    if (depth == starts.length) {
      starts = Arrays.copyOf(starts, depth * 2);
    }
    ensure(1);
    starts[depth++] = pos;
    pos++;
  }

  public void end() {
    int start = starts[--depth];
    int len = pos - start - 1;
    int n = varintSize(len);
    if (n > 1) {
      ensure(n - 1);
      System.arraycopy(buf, start + 1, buf, start + n, len);
    }
    int p = start;
    long v = len;
    while ((v & ~0x7FL) != 0) {
      buf[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[p] = (byte) v;
    pos = start + n + len;
  }

  static int varintSize(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      n++;
      v >>>= 7;
    }
    return n;
  }
}
