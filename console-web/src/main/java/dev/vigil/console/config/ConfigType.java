package dev.vigil.console.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The type of a config entry's value, and the check a value must pass before it is saved or
 * published. Values are always stored as text; the type says how clients should read it.
 *
 * <p>Thread-safe: stateless apart from thread-safe parsers.
 */
public enum ConfigType {
  TEXT,
  JSON,
  YAML,
  PROPERTIES,
  NUMBER,
  BOOLEAN;

  static final String EXPECTED = "one of text, json, yaml, properties, number, boolean";
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** The lowercase wire name, e.g. {@code json}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name; null when it names no type. */
  static @Nullable ConfigType parse(String raw) {
    for (ConfigType type : values()) {
      if (type.wireName().equals(raw)) {
        return type;
      }
    }
    return null;
  }

  /** Throws {@link InvalidValueException} unless {@code value} parses as this type. */
  void validate(String key, String value) {
    switch (this) {
      case TEXT -> {}
      case JSON -> validateJson(key, value);
      case YAML -> validateYaml(key, value);
      case PROPERTIES -> validateProperties(key, value);
      case NUMBER -> {
        try {
          new BigDecimal(value.trim());
        } catch (NumberFormatException e) {
          throw new InvalidValueException(
              key, this, "'" + abbreviate(value) + "' is not a number (e.g. 42, -1.5, 1e3)", 0, 0);
        }
      }
      case BOOLEAN -> {
        String v = value.trim();
        if (!v.equals("true") && !v.equals("false")) {
          throw new InvalidValueException(
              key,
              this,
              "'" + abbreviate(value) + "' is not a boolean (expected: true or false)",
              0,
              0);
        }
      }
    }
  }

  private void validateJson(String key, String value) {
    try (JsonParser parser = MAPPER.createParser(value)) {
      MAPPER.readTree(parser);
      if (parser.nextToken() != null) {
        JsonLocation at = parser.currentLocation();
        throw new InvalidValueException(
            key, this, "unexpected content after the JSON value", at.getLineNr(), at.getColumnNr());
      }
    } catch (JsonParseException e) {
      JsonLocation at = e.getLocation();
      throw new InvalidValueException(
          key,
          this,
          e.getOriginalMessage(),
          at == null ? 0 : at.getLineNr(),
          at == null ? 0 : at.getColumnNr());
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new InvalidValueException(
          key,
          this,
          e.getOriginalMessage(),
          at == null ? 0 : at.getLineNr(),
          at == null ? 0 : at.getColumnNr());
    } catch (IOException e) {
      throw new InvalidValueException(key, this, e.getMessage(), 0, 0);
    }
    if (value.isBlank()) {
      throw new InvalidValueException(key, this, "empty value (expected: a JSON document)", 1, 1);
    }
  }

  private void validateYaml(String key, String value) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(50);
    options.setCodePointLimit(InvalidValueException.MAX_VALUE_CHARS * 2);
    Yaml yaml = new Yaml(new SafeConstructor(options));
    try {
      for (Object ignored : yaml.loadAll(value)) {
        // every document must parse
      }
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
      throw new InvalidValueException(
          key,
          this,
          problem == null ? "invalid YAML" : problem,
          mark == null ? 0 : mark.getLine() + 1,
          mark == null ? 0 : mark.getColumn() + 1);
    } catch (YAMLException e) {
      throw new InvalidValueException(key, this, e.getMessage(), 0, 0);
    }
  }

  private void validateProperties(String key, String value) {
    // java.util.Properties accepts almost anything; the one thing it rejects is a broken
    // unicode escape, which it reports without a position, so find the line here.
    String[] lines = value.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int at = lines[i].indexOf("\\u");
      while (at >= 0) {
        boolean escaped = at > 0 && lines[i].charAt(at - 1) == '\\';
        if (!escaped && !isHex4(lines[i], at + 2)) {
          throw new InvalidValueException(key, this, "malformed \\uxxxx escape", i + 1, at + 1);
        }
        at = lines[i].indexOf("\\u", at + 2);
      }
    }
    try {
      new Properties().load(new StringReader(value));
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidValueException(key, this, String.valueOf(e.getMessage()), 0, 0);
    }
  }

  private static boolean isHex4(String s, int from) {
    if (s.length() < from + 4) {
      return false;
    }
    for (int i = from; i < from + 4; i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  private static String abbreviate(String value) {
    return value.length() <= 32 ? value : value.substring(0, 32) + "...";
  }
}
