package dev.vigil.console.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A request's JSON object body, read field by field. Every problem is a {@link
 * BadParameterException} naming the field (or {@code body}), so bad input is answered with 400 the
 * same way as bad query parameters; unknown fields are refused rather than silently ignored.
 *
 * <p>Not thread-safe; one instance per request.
 */
public final class JsonBody {
  public static final int MAX_BODY_BYTES = 256 * 1024;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final ObjectNode object;

  private JsonBody(ObjectNode object) {
    this.object = object;
  }

  /** Parses the body as a JSON object holding only fields named in {@code allowed}. */
  public static JsonBody parse(Context ctx, String... allowed) {
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length > MAX_BODY_BYTES) {
      throw new BadParameterException(
          "body", bytes.length + " bytes", "at most " + MAX_BODY_BYTES + " bytes");
    }
    JsonNode node;
    try {
      node = bytes.length == 0 ? null : MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new BadParameterException(
          "body",
          "invalid JSON at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr(),
          "a JSON object");
    } catch (java.io.IOException e) {
      throw new BadParameterException("body", "unreadable", "a JSON object");
    }
    if (node == null || !node.isObject()) {
      throw new BadParameterException(
          "body",
          node == null ? "empty" : node.getNodeType().name().toLowerCase(),
          "a JSON object");
    }
    Set<String> known = Set.of(allowed);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        throw new BadParameterException(name, "unknown field", "one of " + new TreeSet<>(known));
      }
    }
    return new JsonBody((ObjectNode) node);
  }

  /** Whether the field is present and not null. */
  public boolean has(String name) {
    JsonNode value = object.get(name);
    return value != null && !value.isNull();
  }

  /** A string field, or null when absent or null. */
  public @Nullable String text(String name) {
    JsonNode value = object.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new BadParameterException(name, value.toString(), "a string");
    }
    return value.textValue();
  }

  public String requiredText(String name) {
    String value = text(name);
    if (value == null) {
      throw new BadParameterException(name, "missing", "a string");
    }
    return value;
  }

  /** A whole-number field within {@code min..max}, or null when absent or null. */
  public @Nullable Long longIn(String name, long min, long max) {
    JsonNode value = object.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber()
        || !value.canConvertToLong()
        || value.longValue() < min
        || value.longValue() > max) {
      throw new BadParameterException(name, value.toString(), min + ".." + max);
    }
    return value.longValue();
  }

  /** A number field within {@code min..max}, or null when absent or null. */
  public @Nullable Double doubleIn(String name, double min, double max) {
    JsonNode value = object.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isNumber() || !(value.doubleValue() >= min && value.doubleValue() <= max)) {
      throw new BadParameterException(name, value.toString(), min + ".." + max);
    }
    return value.doubleValue();
  }

  /** A boolean field, or null when absent or null. */
  public @Nullable Boolean bool(String name) {
    JsonNode value = object.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isBoolean()) {
      throw new BadParameterException(name, value.toString(), "true or false");
    }
    return value.booleanValue();
  }

  /** An array of strings, or null when absent or null. */
  public @Nullable List<String> textList(String name, int maxItems) {
    JsonNode value = object.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isArray() || value.size() > maxItems) {
      throw new BadParameterException(
          name, abbreviate(value.toString()), "an array of at most " + maxItems + " strings");
    }
    List<String> items = new ArrayList<>(value.size());
    for (JsonNode item : value) {
      if (!item.isTextual()) {
        throw new BadParameterException(name, abbreviate(item.toString()), "strings only");
      }
      items.add(item.textValue());
    }
    return items;
  }

  /** An object of string values, or an empty map when absent or null. */
  public Map<String, String> textMap(String name) {
    JsonNode value = object.get(name);
    if (value == null || value.isNull()) {
      return Map.of();
    }
    if (!value.isObject()) {
      throw new BadParameterException(
          name, abbreviate(value.toString()), "an object of string values");
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new BadParameterException(
            name + "." + e.getKey(), abbreviate(e.getValue().toString()), "a string");
      }
      map.put(e.getKey(), e.getValue().textValue());
    }
    return map;
  }

  /** The raw JSON of a field, or null when absent or null. */
  public @Nullable JsonNode raw(String name) {
    JsonNode value = object.get(name);
    return value == null || value.isNull() ? null : value;
  }

  /** {@code value} as JSON text. */
  public static String toJson(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not serialisable as JSON: " + value.getClass(), e);
    }
  }

  static String abbreviate(String value) {
    return value.length() <= 64 ? value : value.substring(0, 61) + "...";
  }
}
