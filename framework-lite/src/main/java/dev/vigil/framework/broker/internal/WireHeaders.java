package dev.vigil.framework.broker.internal;

import dev.vigil.framework.Metadata;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Carries {@link Metadata} as HTTP or NATS headers without changing a byte. An entry travels as a
 * header of its own when both protocols keep it intact: a token name that the transport does not
 * own and a non-empty value of visible ASCII with inner spaces or tabs only (so {@code traceparent}
 * and {@code tracestate} always do). Every other entry (empty values, leading or trailing blanks,
 * non-ASCII text, names such as {@code connection} or {@code user-agent} that the HTTP client sets
 * itself) travels URL-encoded in the single header {@value #ENCODED}, which the receiver decodes.
 *
 * <p>Stateless and thread-safe. Internal: not a stable API.
 */
public final class WireHeaders {
  /** The header carrying entries that cannot travel as plain headers. */
  public static final String ENCODED = "vigil-metadata";

  /** Header names set or consumed by HTTP clients, servers and proxies; never read as metadata. */
  public static final Set<String> TRANSPORT_OWNED =
      Set.of(
          "host",
          "content-length",
          "connection",
          "keep-alive",
          "transfer-encoding",
          "te",
          "trailer",
          "upgrade",
          "expect",
          "http2-settings",
          "proxy-connection",
          "user-agent",
          ENCODED);

  private WireHeaders() {}

  /** Calls {@code sink} once per header to send. */
  public static void write(Metadata metadata, BiConsumer<String, String> sink) {
    StringBuilder encoded = null;
    for (int i = 0, n = metadata.size(); i < n; i++) {
      String name = metadata.name(i);
      String value = metadata.value(i);
      if (isPlain(name, value)) {
        sink.accept(name, value);
      } else {
        encoded = encoded == null ? new StringBuilder() : encoded.append('&');
        encoded
            .append(URLEncoder.encode(name, StandardCharsets.UTF_8))
            .append('=')
            .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
    }
    if (encoded != null) {
      sink.accept(ENCODED, encoded.toString());
    }
  }

  /**
   * Rebuilds the metadata from received headers ({@code name -> values}); transport-owned names are
   * skipped and the {@value #ENCODED} header is decoded.
   */
  public static Metadata read(Iterable<? extends Map.Entry<String, ? extends Iterable<String>>> h) {
    Map<String, String> values = new LinkedHashMap<>();
    String encoded = null;
    for (Map.Entry<String, ? extends Iterable<String>> e : h) {
      String name = e.getKey().toLowerCase(java.util.Locale.ROOT);
      var it = e.getValue().iterator();
      if (!it.hasNext()) {
        continue;
      }
      String value = it.next();
      if (name.equals(ENCODED)) {
        encoded = value;
      } else if (!TRANSPORT_OWNED.contains(name)) {
        values.put(name, value);
      }
    }
    if (encoded != null && !encoded.isEmpty()) {
      for (String pair : encoded.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          values.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return Metadata.of(values);
  }

  static boolean isPlain(String name, String value) {
    if (TRANSPORT_OWNED.contains(name) || name.isEmpty() || value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean token =
          (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || (c >= 'A' && c <= 'Z')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!token) {
        return false;
      }
    }
    if (isBlank(value.charAt(0)) || isBlank(value.charAt(value.length() - 1))) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!(c >= 0x21 && c <= 0x7e) && !isBlank(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }
}
