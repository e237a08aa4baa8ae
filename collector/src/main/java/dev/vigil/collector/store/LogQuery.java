package dev.vigil.collector.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Criteria of a log search over {@code [from, to)}. Immutable; see {@link #builder}. */
public final class LogQuery {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 10_000;

  final Instant from;
  final Instant to;
  final @Nullable String service;
  final int minSeverity;
  final @Nullable String traceId;
  final @Nullable String text;
  final int limit;

  private LogQuery(Builder b) {
    this.from = b.from;
    this.to = b.to;
    this.service = b.service;
    this.minSeverity = b.minSeverity;
    this.traceId = b.traceId;
    this.text = b.text;
    this.limit = b.limit;
  }

  public static Builder builder(Instant from, Instant to) {
    return new Builder(from, to);
  }

  /** Builds a {@link LogQuery}. Not thread-safe. */
  public static final class Builder {
    private final Instant from;
    private final Instant to;
    private @Nullable String service;
    private int minSeverity;
    private @Nullable String traceId;
    private @Nullable String text;
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

    /** OTLP severity number, e.g. 9 INFO, 13 WARN, 17 ERROR. */
    public Builder minSeverity(int minSeverity) {
      this.minSeverity = minSeverity;
      return this;
    }

    /** Only records of this trace (32 hex chars). */
    public Builder traceId(@Nullable String traceId) {
      if (traceId != null) {
        Ids.traceId(traceId);
      }
      this.traceId = traceId;
      return this;
    }

    /** Only records whose body contains {@code text}, case-insensitively. */
    public Builder text(@Nullable String text) {
      this.text = text;
      return this;
    }

    public Builder limit(int limit) {
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException("limit: " + limit + " (expected: 1.." + MAX_LIMIT + ")");
      }
      this.limit = limit;
      return this;
    }

    public LogQuery build() {
      return new LogQuery(this);
    }
  }
}
