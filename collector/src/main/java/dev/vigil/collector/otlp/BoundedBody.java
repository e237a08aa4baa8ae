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
    byte[] compressed = readCapped(raw, limit, "request body");
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

  private static byte[] readCapped(InputStream in, long limit, String what) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    byte[] buffer = new byte[8192];
    long total = 0;
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
