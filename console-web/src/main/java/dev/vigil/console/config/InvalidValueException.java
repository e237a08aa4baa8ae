package dev.vigil.console.config;

import static java.util.Objects.requireNonNull;

/**
 * A config value that does not parse as its declared type. Answered with 400 and {@code {"error",
 * "parameter": "value", "key", "type", "line", "column"}}; {@code line} and {@code column} are
 * 1-based and 0 when the parser gave no position.
 *
 * <p>Immutable.
 */
public final class InvalidValueException extends RuntimeException {
  static final int MAX_VALUE_CHARS = 256 * 1024;

  private final String key;
  private final ConfigType type;
  private final int line;
  private final int column;

  InvalidValueException(String key, ConfigType type, String problem, int line, int column) {
    super(
        "value of "
            + key
            + ": invalid "
            + type.wireName()
            + (line > 0 ? " at line " + line + ", column " + column : "")
            + ": "
            + problem,
        null,
        false,
        false);
    this.key = requireNonNull(key, "key");
    this.type = type;
    this.line = line;
    this.column = column;
  }

  public String key() {
    return key;
  }

  public ConfigType type() {
    return type;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }
}
