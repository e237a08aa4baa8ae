package dev.vigil.framework;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Request and message headers: an immutable map from lower-case header name to value. Names are
 * case-insensitive, as in HTTP; values are carried byte-for-byte, so a W3C {@code traceparent}
 * arrives exactly as it was sent.
 *
 * <p>Immutable and thread-safe. {@link #with(String, String)} returns a new instance.
 */
public final class Metadata {
  public static final String TRACEPARENT = "traceparent";
  public static final String TRACESTATE = "tracestate";
  public static final String BAGGAGE = "baggage";

  private static final Metadata EMPTY = new Metadata(Map.of());

  private final Map<String, String> values;

  private Metadata(Map<String, String> values) {
    this.values = values;
  }

  public static Metadata empty() {
    return EMPTY;
  }

  /** Copies {@code values}, lower-casing the names. Later duplicates (by case) win. */
  public static Metadata of(Map<String, String> values) {
    if (values.isEmpty()) {
      return EMPTY;
    }
    Map<String, String> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> copy.put(normalize(k), Objects.requireNonNull(v, k)));
    return new Metadata(Collections.unmodifiableMap(copy));
  }

  public static Metadata of(String name, String value) {
    return EMPTY.with(name, value);
  }

  public Optional<String> get(String name) {
    return Optional.ofNullable(values.get(normalize(name)));
  }

  public @Nullable String getOrNull(String name) {
    return values.get(normalize(name));
  }

  public Metadata with(String name, String value) {
    Objects.requireNonNull(value, name);
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.put(normalize(name), value);
    return new Metadata(Collections.unmodifiableMap(copy));
  }

  /** This metadata with every entry of {@code other} added, replacing equal names. */
  public Metadata merge(Metadata other) {
    if (other.values.isEmpty()) {
      return this;
    }
    if (values.isEmpty()) {
      return other;
    }
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.putAll(other.values);
    return new Metadata(Collections.unmodifiableMap(copy));
  }

  public Metadata without(String name) {
    String key = normalize(name);
    if (!values.containsKey(key)) {
      return this;
    }
    Map<String, String> copy = new LinkedHashMap<>(values);
    copy.remove(key);
    return new Metadata(Collections.unmodifiableMap(copy));
  }

  /** Read-only view; names are lower case. */
  public Map<String, String> asMap() {
    return values;
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  private static String normalize(String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("metadata name: \"\" (expected: a non-empty header name)");
    }
    return name.toLowerCase(Locale.ROOT);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Metadata && ((Metadata) o).values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return "Metadata" + values;
  }
}
