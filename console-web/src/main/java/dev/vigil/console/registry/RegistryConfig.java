package dev.vigil.console.registry;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Immutable, validated settings of the console's service registry. Every setting has a named
 * default.
 *
 * <p>Thread-safe.
 */
public final class RegistryConfig {
  /** How often each replica looks for nodes whose TTL lapsed. */
  public static final Duration DEFAULT_REAP_INTERVAL = Duration.ofSeconds(1);

  /** How long an unhealthy node is kept (and shown) after its TTL lapsed before it is removed. */
  public static final Duration DEFAULT_REMOVE_AFTER = Duration.ofMinutes(5);

  /** The wait of a blocking query that names none. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

  /** The longest wait a blocking query may ask for. */
  public static final Duration MAX_WAIT = Duration.ofMinutes(5);

  /** Blocking queries a replica holds at most; more are answered 503 with Retry-After. */
  public static final int DEFAULT_MAX_WATCHERS = 50_000;

  private final Duration reapInterval;
  private final Duration removeAfter;
  private final Duration defaultWait;
  private final int maxWatchers;

  private RegistryConfig(Builder b) {
    this.reapInterval = b.reapInterval;
    this.removeAfter = b.removeAfter;
    this.defaultWait = b.defaultWait;
    this.maxWatchers = b.maxWatchers;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Duration reapInterval() {
    return reapInterval;
  }

  public Duration removeAfter() {
    return removeAfter;
  }

  public Duration defaultWait() {
    return defaultWait;
  }

  public int maxWatchers() {
    return maxWatchers;
  }

  /** Configures a {@link RegistryConfig}. Not thread-safe. */
  public static final class Builder {
    private Duration reapInterval = DEFAULT_REAP_INTERVAL;
    private Duration removeAfter = DEFAULT_REMOVE_AFTER;
    private Duration defaultWait = DEFAULT_WAIT;
    private int maxWatchers = DEFAULT_MAX_WATCHERS;

    private Builder() {}

    public Builder reapInterval(Duration reapInterval) {
      requireNonNull(reapInterval, "reapInterval");
      if (reapInterval.toMillis() < 100 || reapInterval.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(
            "reapInterval: " + reapInterval + " (expected: 100ms..1m)");
      }
      this.reapInterval = reapInterval;
      return this;
    }

    public Builder removeAfter(Duration removeAfter) {
      requireNonNull(removeAfter, "removeAfter");
      if (removeAfter.isNegative() || removeAfter.compareTo(Duration.ofDays(7)) > 0) {
        throw new IllegalArgumentException("removeAfter: " + removeAfter + " (expected: 0s..7d)");
      }
      this.removeAfter = removeAfter;
      return this;
    }

    public Builder defaultWait(Duration defaultWait) {
      requireNonNull(defaultWait, "defaultWait");
      if (defaultWait.toMillis() < 1 || defaultWait.compareTo(MAX_WAIT) > 0) {
        throw new IllegalArgumentException(
            "defaultWait: " + defaultWait + " (expected: 1ms.." + MAX_WAIT + ")");
      }
      this.defaultWait = defaultWait;
      return this;
    }

    public Builder maxWatchers(int maxWatchers) {
      if (maxWatchers < 1) {
        throw new IllegalArgumentException("maxWatchers: " + maxWatchers + " (expected: > 0)");
      }
      this.maxWatchers = maxWatchers;
      return this;
    }

    public RegistryConfig build() {
      return new RegistryConfig(this);
    }
  }
}
