package dev.vigil.framework.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configuration values by key, each remembering where it came from, with typed getters whose errors
 * name the key, the bad value, its source and what was expected, for example {@code
 * vigil.client.timeout: "fast" from VIGIL_CLIENT_TIMEOUT (expected: a duration such as 250ms, 5s or
 * 1m)}.
 *
 * <p>{@link #load(Settings, Map)} layers the sources: defaults (in the getters) &lt; code &lt; the
 * {@code .properties} file named by {@code vigil.config.file} / {@code VIGIL_CONFIG_FILE} &lt;
 * environment variables. Keys are documented in {@link ConfigKeys}.
 *
 * <p>Immutable and thread-safe.
 */
public final class Settings {
  private static final Logger log = LoggerFactory.getLogger(Settings.class);
  private static final Settings EMPTY = new Settings(Map.of());
  private static final Pattern DURATION =
      Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);

  private final Map<String, Value> values;

  private record Value(String text, String source) {}

  private Settings(Map<String, Value> values) {
    this.values = values;
  }

  public static Settings empty() {
    return EMPTY;
  }

  /** Settings from code: every value's source is "code". */
  public static Settings of(Map<String, String> values) {
    Map<String, Value> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> copy.put(k, new Value(Objects.requireNonNull(v, k), "code")));
    return new Settings(Collections.unmodifiableMap(copy));
  }

  /**
   * {@code code} overlaid with the file named by {@code vigil.config.file} (from {@code env} or
   * {@code code}), overlaid with the {@code VIGIL_*} variables of {@code env} for known keys.
   *
   * @throws IllegalArgumentException when the file cannot be read
   */
  public static Settings load(Settings code, Map<String, String> env) {
    Settings result = code;
    String file = env.get(ConfigKeys.envName(ConfigKeys.CONFIG_FILE));
    if (file == null) {
      file = code.get(ConfigKeys.CONFIG_FILE).orElse(null);
    }
    if (file != null && !file.isBlank()) {
      result = result.overlay(fromFile(Path.of(file)));
    }
    return result.overlay(fromEnvironment(env));
  }

  /** The current process: code, then the config file, then {@link System#getenv()}. */
  public static Settings load(Settings code) {
    return load(code, System.getenv());
  }

  /**
   * Reads a {@code .properties} file. Keys starting with {@code vigil.} that are not documented are
   * logged as probable typos.
   */
  public static Settings fromFile(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          ConfigKeys.CONFIG_FILE
              + ": \""
              + file
              + "\" (expected: a readable .properties file: "
              + e
              + ")",
          e);
    }
    Map<String, Value> map = new LinkedHashMap<>();
    for (String key : p.stringPropertyNames()) {
      map.put(key, new Value(p.getProperty(key).trim(), file.toString()));
      if (key.startsWith("vigil.") && ConfigKeys.find(key).isEmpty()) {
        log.warn("{}: unknown key {} (documented keys are listed in ConfigKeys)", file, key);
      }
    }
    return new Settings(Collections.unmodifiableMap(map));
  }

  /** The documented keys found in {@code env} under their environment names. */
  public static Settings fromEnvironment(Map<String, String> env) {
    Map<String, Value> map = new LinkedHashMap<>();
    for (ConfigKeys.Key key : ConfigKeys.ALL) {
      String value = env.get(key.envName());
      if (value != null) {
        map.put(key.name(), new Value(value.trim(), key.envName()));
      }
    }
    return new Settings(Collections.unmodifiableMap(map));
  }

  /** These settings with every value of {@code higher} replacing the one here. */
  public Settings overlay(Settings higher) {
    if (higher.values.isEmpty()) {
      return this;
    }
    Map<String, Value> map = new LinkedHashMap<>(values);
    map.putAll(higher.values);
    return new Settings(Collections.unmodifiableMap(map));
  }

  /** These settings with {@code key} set to {@code value} from code. */
  public Settings with(String key, String value) {
    return overlay(of(Map.of(key, value)));
  }

  public Optional<String> get(String key) {
    Value v = values.get(key);
    return v == null ? Optional.empty() : Optional.of(v.text);
  }

  /** Where the value of {@code key} came from: "code", a file path or an environment variable. */
  public Optional<String> source(String key) {
    Value v = values.get(key);
    return v == null ? Optional.empty() : Optional.of(v.source);
  }

  public String getString(String key, String defaultValue) {
    return get(key).filter(s -> !s.isEmpty()).orElse(defaultValue);
  }

  public @Nullable String getStringOrNull(String key) {
    return get(key).filter(s -> !s.isEmpty()).orElse(null);
  }

  /**
   * A required value.
   *
   * @throws IllegalArgumentException naming the key and its environment form when missing
   */
  public String require(String key, String expected) {
    String value = getStringOrNull(key);
    if (value == null) {
      throw new IllegalArgumentException(
          key
              + ": missing (expected: "
              + expected
              + "; set it in code, in the config file or as "
              + ConfigKeys.envName(key)
              + ")");
    }
    return value;
  }

  public int getInt(String key, int defaultValue, int min, int max) {
    Value v = values.get(key);
    if (v == null || v.text.isEmpty()) {
      return defaultValue;
    }
    try {
      int n = Integer.parseInt(v.text);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw bad(key, v, "an integer in " + min + ".." + max);
  }

  public long getLong(String key, long defaultValue, long min) {
    Value v = values.get(key);
    if (v == null || v.text.isEmpty()) {
      return defaultValue;
    }
    try {
      long n = Long.parseLong(v.text.replace("_", ""));
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw bad(key, v, "an integer >= " + min);
  }

  /**
   * A duration written as a number with a unit ({@code 250ms}, {@code 5s}, {@code 1m}, {@code 2h},
   * {@code 1d}) or in ISO-8601 ({@code PT5S}).
   */
  public Duration getDuration(String key, Duration defaultValue) {
    Value v = values.get(key);
    if (v == null || v.text.isEmpty()) {
      return defaultValue;
    }
    Duration d = parseDuration(v.text);
    if (d == null || d.isNegative()) {
      throw bad(key, v, "a duration such as 250ms, 5s or 1m");
    }
    return d;
  }

  /** A positive duration. */
  public Duration getPositiveDuration(String key, Duration defaultValue) {
    Duration d = getDuration(key, defaultValue);
    if (d.isZero()) {
      throw bad(key, values.get(key), "a duration > 0 such as 250ms, 5s or 1m");
    }
    return d;
  }

  /**
   * One of {@code allowed} (case-insensitive, returned in lower case).
   *
   * @throws IllegalArgumentException listing the allowed values
   */
  public String getChoice(String key, String defaultValue, List<String> allowed) {
    Value v = values.get(key);
    if (v == null || v.text.isEmpty()) {
      return defaultValue;
    }
    String choice = v.text.toLowerCase(Locale.ROOT);
    if (!allowed.contains(choice)) {
      throw bad(key, v, "one of " + String.join(", ", allowed));
    }
    return choice;
  }

  static @Nullable Duration parseDuration(String text) {
    String t = text.trim();
    Matcher m = DURATION.matcher(t);
    if (m.matches()) {
      long n;
      try {
        n = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        return null;
      }
      switch (m.group(2).toLowerCase(Locale.ROOT)) {
        case "ms":
          return Duration.ofMillis(n);
        case "s":
          return Duration.ofSeconds(n);
        case "m":
          return Duration.ofMinutes(n);
        case "h":
          return Duration.ofHours(n);
        default:
          return Duration.ofDays(n);
      }
    }
    if (t.regionMatches(true, 0, "P", 0, 1)) {
      try {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    return null;
  }

  /** An error for the value of {@code key} in the house format. */
  public IllegalArgumentException invalid(String key, String expected) {
    Value v = values.get(key);
    return v == null
        ? new IllegalArgumentException(key + ": missing (expected: " + expected + ")")
        : bad(key, v, expected);
  }

  private static IllegalArgumentException bad(String key, @Nullable Value v, String expected) {
    String shown = v == null ? "" : v.text;
    String source = v == null ? "default" : v.source;
    return new IllegalArgumentException(
        key + ": \"" + shown + "\" from " + source + " (expected: " + expected + ")");
  }

  /** Keys set, with their values; for logging. */
  public Map<String, String> asMap() {
    Map<String, String> m = new LinkedHashMap<>();
    values.forEach((k, v) -> m.put(k, v.text));
    return Collections.unmodifiableMap(m);
  }

  @Override
  public String toString() {
    return "Settings" + asMap();
  }
}
