package dev.vigil.console.api;

import static java.util.Objects.requireNonNull;

/**
 * A query or path parameter the API cannot use. Answered with 400 and {@code {"error": "limit: 0
 * (expected: 1..1000)", "parameter": "limit", "value": "0"}}.
 *
 * <p>Immutable.
 */
public final class BadParameterException extends RuntimeException {
  private final String parameter;
  private final String value;

  public BadParameterException(String parameter, String value, String expected) {
    super(parameter + ": " + value + " (expected: " + expected + ")", null, false, false);
    this.parameter = requireNonNull(parameter, "parameter");
    this.value = requireNonNull(value, "value");
  }

  public String parameter() {
    return parameter;
  }

  public String value() {
    return value;
  }
}
