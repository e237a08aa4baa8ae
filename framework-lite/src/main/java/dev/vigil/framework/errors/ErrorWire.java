package dev.vigil.framework.errors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The wire form of a {@link FrameworkException}: {@code {"id","code","detail","status"}} with
 * content type {@code application/json}, carried in the body of a non-2xx response. Stateless.
 */
public final class ErrorWire {
  public static final String CONTENT_TYPE = "application/json";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ErrorWire() {}

  public static byte[] encode(FrameworkException e) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("id", e.id());
    node.put("code", e.code());
    node.put("detail", e.detail());
    node.put("status", e.status());
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads an error body. A body that is not a framework error (for example a proxy's HTML page)
   * becomes an error with the response's status code and the body's first 200 characters.
   */
  public static FrameworkException decode(String origin, int status, byte[] body) {
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node != null && node.isObject() && node.has("code") && node.has("detail")) {
        int code = node.path("code").asInt(status);
        String id = node.path("id").asText(origin);
        return new FrameworkException(id, code == 0 ? status : code, node.path("detail").asText());
      }
    } catch (IOException ignored) {
      // not JSON: fall through to the raw body
    }
    String text = new String(body, StandardCharsets.UTF_8);
    if (text.length() > 200) {
      text = text.substring(0, 200) + "...";
    }
    return new FrameworkException(origin, status, text.isEmpty() ? "(empty response body)" : text);
  }
}
