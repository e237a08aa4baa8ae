package dev.vigil.collector.store;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Criteria of a trace search. A trace matches when one of its spans in the time range matches all
 * given criteria. Immutable; build with {@link #builder(Instant, Instant)}.
 */
public final class TraceQuery {
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 1000;

  final Instant from;
  final Instant to;
  final @Nullable String service;
  final @Nullable String operation;
  final @Nullable Duration minDuration;
  final @Nullable Duration maxDuration;
  final boolean errorsOnly;
  final @Nullable String attributeKey;
  final @Nullable String attributeValue;
  final int limit;

  private TraceQuery(Builder b) {
    this.from = b.from;
    this.to = b.to;
    this.service = b.service;
    this.operation = b.operation;
    this.minDuration = b.minDuration;
    this.maxDuration = b.maxDuration;
    this.errorsOnly = b.errorsOnly;
    this.attributeKey = b.attributeKey;
    this.attributeValue = b.attributeValue;
    this.limit = b.limit;
  }

  /** Spans starting in {@code [from, to)}. */
  public static Builder builder(Instant from, Instant to) {
    return new Builder(from, to);
  }

  /** Builds a {@link TraceQuery}. Not thread-safe. */
  public static final class Builder {
    private final Instant from;
    private final Instant to;
    private @Nullable String service;
    private @Nullable String operation;
    private @Nullable Duration minDuration;
    private @Nullable Duration maxDuration;
    private boolean errorsOnly;
    private @Nullable String attributeKey;
    private @Nullable String attributeValue;
    private int limit = DEFAULT_LIMIT;

    private Builder(Instant from, Instant to) {
      this.from = requireNonNull(from, "from");
      this.to = requireNonNull(to, "to");
      if (!to.isAfter(from)) {
        throw new IllegalArgumentException("to: " + to + " (expected: after from " + from + ")");
      }
    }

    public Builder service(@Nullable String service) {
      this.service = service;
      return this;
    }

    public Builder operation(@Nullable String operation) {
      this.operation = operation;
      return this;
    }

    public Builder minDuration(@Nullable Duration minDuration) {
      this.minDuration = minDuration;
      return this;
    }

    public Builder maxDuration(@Nullable Duration maxDuration) {
      this.maxDuration = maxDuration;
      return this;
    }

    public Builder errorsOnly(boolean errorsOnly) {
      this.errorsOnly = errorsOnly;
      return this;
    }

    /** Matches spans whose attribute {@code key}, as text, equals {@code value}. */
    public Builder attribute(String key, String value) {
      this.attributeKey = requireNonNull(key, "key");
      this.attributeValue = requireNonNull(value, "value");
      return this;
    }

    public Builder limit(int limit) {
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException("limit: " + limit + " (expected: 1.." + MAX_LIMIT + ")");
      }
      this.limit = limit;
      return this;
    }

    public TraceQuery build() {
      return new TraceQuery(this);
    }
  }
}
