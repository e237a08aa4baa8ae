package dev.vigil.console.api;

import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Query-parameter checks shared by the registry, access, audit and config APIs, answering bad input
 * with {@link BadParameterException} (400 naming the parameter) like the query API does.
 *
 * <p>Stateless and thread-safe.
 */
public final class RequestParams {
  public static final int MAX_TEXT_LENGTH = 256;

  private RequestParams() {}

  /** Refuses parameters not in {@code allowed}, so a misspelt one is an error, not ignored. */
  public static void allowOnly(Context ctx, String... allowed) {
    Set<String> known = Set.of(allowed);
    for (String name : ctx.queryParamMap().keySet()) {
      if (!known.contains(name)) {
        throw new BadParameterException(
            name,
            String.join(",", ctx.queryParams(name)),
            known.isEmpty() ? "no query parameters" : "one of " + new TreeSet<>(known));
      }
    }
  }

  /** A trimmed, non-empty, bounded parameter given at most once, or null when absent or empty. */
  public static @Nullable String text(Context ctx, String name) {
    List<String> values = ctx.queryParams(name);
    if (values.size() > 1) {
      throw new BadParameterException(name, String.join(",", values), "a single value");
    }
    if (values.isEmpty() || values.get(0).isBlank()) {
      return null;
    }
    String value = values.get(0).trim();
    if (value.length() > MAX_TEXT_LENGTH) {
      throw new BadParameterException(
          name, value.substring(0, 32) + "...", "at most " + MAX_TEXT_LENGTH + " characters");
    }
    return value;
  }

  /**
   * A blocking query's {@code wait}: {@code 500ms}, {@code 30s}, {@code 5m} or plain seconds (1 to
   * 9 digits), from 1 ms up to {@code max}; 400 naming {@code expected} otherwise. Parsed by hand:
   * it is on the path of every re-issued blocking query.
   */
  public static Duration waitDuration(String raw, Duration max, String expected) {
    int digits = 0;
    long amount = 0;
    while (digits < raw.length() && digits < 10 && isDigit(raw.charAt(digits))) {
      amount = amount * 10 + (raw.charAt(digits) - '0');
      digits++;
    }
    String unit = raw.substring(digits);
    Duration value = null;
    if (digits >= 1 && digits <= 9) {
      if (unit.isEmpty() || unit.equalsIgnoreCase("s")) {
        value = Duration.ofSeconds(amount);
      } else if (unit.equalsIgnoreCase("ms")) {
        value = Duration.ofMillis(amount);
      } else if (unit.equalsIgnoreCase("m")) {
        value = Duration.ofMinutes(amount);
      }
    }
    if (value == null || value.isZero() || value.compareTo(max) > 0) {
      throw new BadParameterException("wait", raw, expected);
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** A whole number within {@code min..max}, or {@code defaultValue} when absent. */
  public static long longIn(Context ctx, String name, long defaultValue, long min, long max) {
    String raw = text(ctx, name);
    if (raw == null) {
      return defaultValue;
    }
    try {
      long value = Long.parseLong(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // answered below with the expected range
    }
    throw new BadParameterException(name, raw, min + ".." + max);
  }
}
