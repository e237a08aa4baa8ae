package dev.vigil.framework.transport.http;

import dev.vigil.framework.errors.FrameworkException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Which HTTP headers belong to the transport (framing, hop-by-hop and the {@code Vigil-*} headers)
 * and which carry {@link dev.vigil.framework.Metadata}. Stateless.
 */
final class HttpHeaders {
  static final String VIGIL_SERVICE = "Vigil-Service";
  static final String VIGIL_TIMEOUT = "Vigil-Timeout";

  static final int METADATA = 0;
  static final int CONTENT_LENGTH = 1;
  static final int CONTENT_TYPE = 2;
  static final int TRANSFER_ENCODING = 3;
  static final int CONNECTION = 4;
  static final int SKIPPED = 5;

  /** Lower-case names never read as, nor written from, metadata. */
  static final Set<String> TRANSPORT =
      Set.of(
          "host",
          "content-length",
          "connection",
          "content-type",
          "vigil-service",
          "vigil-timeout",
          "transfer-encoding",
          "user-agent",
          "accept",
          "accept-encoding",
          "keep-alive",
          "te",
          "trailer",
          "upgrade",
          "proxy-connection",
          "expect");

  private static final String[] KNOWN_RESPONSE_HEADERS = {
    "content-length", "content-type", "transfer-encoding", "connection", "date", "server"
  };
  private static final byte[][] KNOWN_BYTES = new byte[KNOWN_RESPONSE_HEADERS.length][];
  private static final int[] KNOWN_CODES = {
    CONTENT_LENGTH, CONTENT_TYPE, TRANSFER_ENCODING, CONNECTION, SKIPPED, SKIPPED
  };
  private static final byte[][] TRANSPORT_BYTES;

  static {
    for (int i = 0; i < KNOWN_RESPONSE_HEADERS.length; i++) {
      KNOWN_BYTES[i] = KNOWN_RESPONSE_HEADERS[i].getBytes(StandardCharsets.US_ASCII);
    }
    TRANSPORT_BYTES =
        TRANSPORT.stream().map(s -> s.getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);
  }

  private HttpHeaders() {}

  /** True for a lower-case name the transport owns. */
  static boolean isTransport(String lowerCaseName) {
    return TRANSPORT.contains(lowerCaseName);
  }

  static boolean isTransportIgnoreCase(String name) {
    return TRANSPORT.contains(name.toLowerCase(Locale.ROOT));
  }

  /** Classifies the response header whose name is {@code line[0, nameLength)}. */
  static int classify(byte[] line, int nameLength) {
    for (int i = 0; i < KNOWN_BYTES.length; i++) {
      if (equalsIgnoreCase(line, nameLength, KNOWN_BYTES[i])) {
        return KNOWN_CODES[i];
      }
    }
    for (byte[] name : TRANSPORT_BYTES) {
      if (equalsIgnoreCase(line, nameLength, name)) {
        return SKIPPED;
      }
    }
    return METADATA;
  }

  private static boolean equalsIgnoreCase(byte[] line, int length, byte[] lowerCase) {
    if (length != lowerCase.length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      int b = line[i];
      if (b >= 'A' && b <= 'Z') {
        b += 'a' - 'A';
      }
      if (b != lowerCase[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Refuses names that are not HTTP tokens and values with CR, LF, NUL or characters above U+00FF,
   * so metadata can never split or forge a header.
   */
  static void validate(String name, String value) {
    if (name.isEmpty()) {
      throw invalid("header name \"\" (expected: an HTTP token)");
    }
    for (int i = 0; i < name.length(); i++) {
      if (!isTokenChar(name.charAt(i))) {
        throw invalid("header name '" + name + "' (expected: an HTTP token)");
      }
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0 || c > 0xff) {
        throw invalid(
            "value of header '"
                + name
                + "' has character U+"
                + String.format(Locale.ROOT, "%04X", (int) c)
                + " at index "
                + i
                + " (expected: no CR, LF, NUL or characters above U+00FF)");
      }
    }
  }

  private static boolean isTokenChar(char c) {
    if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
      return true;
    }
    return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  private static FrameworkException invalid(String detail) {
    return FrameworkException.badRequest(HttpClientPool.ERROR_ID, detail);
  }
}
