package dev.vigil.console.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * The one error body of the API: {@code error} is a human-readable message; {@code parameter} and
 * {@code value} name the offending parameter and its value when a parameter caused the error.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String error, @Nullable String parameter, @Nullable String value) {
  public static ApiError of(String error) {
    return new ApiError(error, null, null);
  }

  public static ApiError of(BadParameterException e) {
    return new ApiError(e.getMessage(), e.parameter(), e.value());
  }
}
