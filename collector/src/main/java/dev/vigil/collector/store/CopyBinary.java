package dev.vigil.collector.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Builds rows in PostgreSQL's binary COPY format: per row a 16-bit field count, then per field a
 * 32-bit length (-1 for NULL) and the value in the type's binary form (big-endian integers, raw
 * bytea, UTF-8 text, jsonb as version 1 followed by its text). The binary form spares the database
 * parsing numbers and hex ids and spares us escaping text. Not thread-safe; one per batch.
 */
final class CopyBinary {
  /** The stream header: signature, flags and header extension length. */
  static final byte[] HEADER = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0
  };

  /** The stream trailer: a field count of -1. */
  static final byte[] TRAILER = {(byte) 0xff, (byte) 0xff};

  private static final byte JSONB_VERSION = 1;

  private byte[] buf;
  private int size;

  CopyBinary(int capacity) {
    this.buf = new byte[Math.max(64, capacity)];
  }

  CopyBinary row(int fields) {
    ensure(2);
    putShort(fields);
    return this;
  }

  CopyBinary int8(long value) {
    ensure(12);
    putInt(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buf[size++] = (byte) (value >>> shift);
    }
    return this;
  }

  CopyBinary int2(int value) {
    ensure(6);
    putInt(2);
    putShort(value);
    return this;
  }

  CopyBinary bytea(byte @Nullable [] value) {
    if (value == null) {
      return nul();
    }
    ensure(4 + value.length);
    putInt(value.length);
    System.arraycopy(value, 0, buf, size, value.length);
    size += value.length;
    return this;
  }

  CopyBinary text(@Nullable String value) {
    if (value == null) {
      return nul();
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    return bytea(utf8);
  }

  CopyBinary jsonb(@Nullable String json) {
    if (json == null) {
      return nul();
    }
    byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
    ensure(5 + utf8.length);
    putInt(utf8.length + 1);
    buf[size++] = JSONB_VERSION;
    System.arraycopy(utf8, 0, buf, size, utf8.length);
    size += utf8.length;
    return this;
  }

  /** The rows written so far, in this encoder's buffer (not copied): no more rows may follow. */
  EncodedRows.Slice slice() {
    return new EncodedRows.Slice(buf, size);
  }

  private CopyBinary nul() {
    ensure(4);
    putInt(-1);
    return this;
  }

  private void putInt(int v) {
    buf[size++] = (byte) (v >>> 24);
    buf[size++] = (byte) (v >>> 16);
    buf[size++] = (byte) (v >>> 8);
    buf[size++] = (byte) v;
  }

  private void putShort(int v) {
    buf[size++] = (byte) (v >>> 8);
    buf[size++] = (byte) v;
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }
}
