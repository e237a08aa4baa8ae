package dev.vigil.console.api;

import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads and validates the parameters of one request. Every parse failure is a {@link
 * BadParameterException} naming the parameter, its value and what was expected, so every endpoint
 * answers bad input the same way.
 *
 * <p>Not thread-safe; one instance per request.
 */
final class Params {
  static final int MAX_TEXT_LENGTH = 256;
  private static final Pattern HEX_32 = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern HEX_16 = Pattern.compile("[0-9a-f]{16}");
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})([smhd]?)");

  private final Context ctx;
  private final long nowNs;

  Params(Context ctx, long nowNs) {
    this.ctx = ctx;
    this.nowNs = nowNs;
  }

  /** A trimmed, non-empty, bounded text parameter, or null when absent or empty. */
  @Nullable String text(String name) {
    String raw = single(name);
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String value = raw.trim();
    if (value.length() > MAX_TEXT_LENGTH) {
      throw new BadParameterException(
          name, value.substring(0, 32) + "...", "at most " + MAX_TEXT_LENGTH + " characters");
    }
    return value;
  }

  String requiredText(String name) {
    String value = text(name);
    if (value == null) {
      throw new BadParameterException(name, "", "a non-empty value");
    }
    return value;
  }

  int intIn(String name, int defaultValue, int min, int max) {
    String raw = text(name);
    if (raw == null) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // answered below with the expected range
    }
    throw new BadParameterException(name, raw, min + ".." + max);
  }

  /** A non-negative number of milliseconds as nanoseconds, or null when absent. */
  @Nullable Long millisAsNanos(String name) {
    String raw = text(name);
    if (raw == null) {
      return null;
    }
    try {
      long ms = Long.parseLong(raw);
      if (ms >= 0 && ms <= Long.MAX_VALUE / 1_000_000) {
        return ms * 1_000_000;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw new BadParameterException(name, raw, "a whole number of milliseconds >= 0");
  }

  /** A lowercase hex id of {@code 32} or {@code 16} characters; uppercase is accepted. */
  static String hexId(String name, String raw, int length) {
    String value = raw.trim().toLowerCase(Locale.ROOT);
    Pattern pattern = length == 32 ? HEX_32 : HEX_16;
    if (!pattern.matcher(value).matches() || isAllZero(value)) {
      throw new BadParameterException(name, raw, length + " hex characters, not all zero");
    }
    return value;
  }

  @Nullable String traceId(String name) {
    String raw = text(name);
    return raw == null ? null : hexId(name, raw, 32);
  }

  /**
   * The {@code start}/{@code end} window in Unix nanoseconds. {@code end} defaults to now and
   * {@code start} to {@code defaultLength} before {@code end}; the window may span at most {@code
   * maxLength}.
   */
  TimeWindow window(Duration defaultLength, Duration maxLength) {
    Long end = nanos("end");
    Long start = nanos("start");
    long endNs = end == null ? nowNs : end;
    long startNs = start == null ? Math.max(0, endNs - defaultLength.toNanos()) : start;
    if (end != null && endNs <= 0) {
      throw new BadParameterException("end", Long.toString(endNs), "Unix nanoseconds > 0");
    }
    if (startNs >= endNs) {
      throw new BadParameterException(
          "start", Long.toString(startNs), "less than end (" + endNs + ")");
    }
    if (endNs - startNs > maxLength.toNanos()) {
      throw new BadParameterException(
          "start",
          Long.toString(startNs),
          "at most " + format(maxLength) + " before end (" + endNs + ")");
    }
    return new TimeWindow(startNs, endNs);
  }

  private @Nullable Long nanos(String name) {
    String raw = text(name);
    if (raw == null) {
      return null;
    }
    try {
      long value = Long.parseLong(raw);
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw new BadParameterException(name, raw, "Unix time in nanoseconds");
  }

  /**
   * A duration such as {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d} or a plain number of
   * seconds, or null when absent.
   */
  @Nullable Duration duration(String name, Duration min, Duration max, Duration multipleOf) {
    String raw = text(name);
    if (raw == null) {
      return null;
    }
    String expected =
        format(min) + ".." + format(max) + ", a multiple of " + format(multipleOf) + " (e.g. 5m)";
    Matcher m = DURATION.matcher(raw.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new BadParameterException(name, raw, expected);
    }
    long amount = Long.parseLong(m.group(1));
    Duration value =
        switch (m.group(2)) {
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          case "d" -> Duration.ofDays(amount);
          default -> Duration.ofSeconds(amount);
        };
    if (value.compareTo(min) < 0
        || value.compareTo(max) > 0
        || value.toNanos() % multipleOf.toNanos() != 0) {
      throw new BadParameterException(name, raw, expected);
    }
    return value;
  }

  /**
   * Repeated {@code key=value} pairs, e.g. {@code attr=http.route=/users&attr=user.id=7}, in order;
   * at most {@code max} of them.
   */
  Map<String, String> pairs(String name, int max) {
    List<String> raws = ctx.queryParams(name);
    if (raws.size() > max) {
      throw new BadParameterException(
          name, raws.size() + " values", "at most " + max + " key=value pairs");
    }
    Map<String, String> pairs = new LinkedHashMap<>();
    for (String raw : raws) {
      int eq = raw.indexOf('=');
      if (eq <= 0 || raw.length() > MAX_TEXT_LENGTH) {
        throw new BadParameterException(name, raw, "key=value with a non-empty key");
      }
      pairs.put(raw.substring(0, eq).trim(), raw.substring(eq + 1));
    }
    return pairs;
  }

  private @Nullable String single(String name) {
    List<String> values = ctx.queryParams(name);
    if (values.size() > 1) {
      throw new BadParameterException(name, String.join(",", values), "a single value");
    }
    return values.isEmpty() ? null : values.get(0);
  }

  private static boolean isAllZero(String hex) {
    for (int i = 0; i < hex.length(); i++) {
      if (hex.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }

  static String format(Duration d) {
    long s = d.toSeconds();
    if (s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
