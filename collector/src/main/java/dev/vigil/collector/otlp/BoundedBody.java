package dev.vigil.collector.otlp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Reads a request body into memory without ever holding more than the limit, decompressing gzip as
 * a stream so that a small compressed body cannot inflate past the limit (a gzip bomb).
 *
 * <p>Stateless; thread-safe.
 */
final class BoundedBody {
  /** The body, compressed or decompressed, exceeded the limit. */
  static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TooLargeException(String message) {
      super(message);
    }
  }

  /** The gzip stream was corrupt. */
  static final class CorruptException extends IOException {
    private static final long serialVersionUID = 1L;

    CorruptException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private BoundedBody() {}

  /** Reads at most {@code limit} bytes of (decompressed) body, else throws. */
  static byte[] read(InputStream raw, boolean gzip, long limit) throws IOException {
    return read(raw, -1, gzip, limit);
  }

  /**
   * As {@link #read(InputStream, boolean, long)}, with the declared length of the raw body ({@code
   * Content-Length}, or -1 if unknown): a declared body is read straight into an array of its size.
   */
  static byte[] read(InputStream raw, long declared, boolean gzip, long limit) throws IOException {
    byte[] compressed =
        declared >= 0 && declared <= limit
            ? readDeclared(raw, (int) declared, limit)
            : readCapped(raw, limit, "request body");
    if (!gzip) {
      return compressed;
    }
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(compressed), 8192)) {
      return readCapped(in, limit, "decompressed request body");
    } catch (TooLargeException e) {
      throw e;
    } catch (IOException e) {
      throw new CorruptException("invalid gzip body: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a body of {@code declared} bytes into an array of that size; a body that turns out longer
   * is read on (bounded by {@code limit}), one that ends early is returned as it is.
   */
  private static byte[] readDeclared(InputStream in, int declared, long limit) throws IOException {
    byte[] body = new byte[declared];
    int n = in.readNBytes(body, 0, declared);
    if (n < declared) {
      return java.util.Arrays.copyOf(body, n);
    }
    int next = in.read();
    if (next == -1) {
      return body;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(declared + 8192);
    out.write(body);
    out.write(next);
    return readCapped(in, out, limit, "request body");
  }

  private static byte[] readCapped(InputStream in, long limit, String what) throws IOException {
    return readCapped(in, new ByteArrayOutputStream(8192), limit, what);
  }

  private static byte[] readCapped(
      InputStream in, ByteArrayOutputStream out, long limit, String what) throws IOException {
    byte[] buffer = new byte[8192];
    long total = out.size();
    if (total > limit) {
      throw new TooLargeException(what + " larger than " + limit + " bytes");
    }
    int n;
    while ((n = in.read(buffer)) != -1) {
      total += n;
      if (total > limit) {
        throw new TooLargeException(what + " larger than " + limit + " bytes");
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }
}
