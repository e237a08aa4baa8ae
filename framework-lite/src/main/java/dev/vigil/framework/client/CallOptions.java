package dev.vigil.framework.client;

import dev.vigil.framework.Metadata;
import dev.vigil.framework.selector.NodeFilter;
import dev.vigil.framework.selector.SelectOptions;
import dev.vigil.framework.selector.Strategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How one call is made: its timeout, how often it may be retried and with which back-off, which
 * nodes it may go to, extra metadata, or a direct address that bypasses the selector. Options given
 * to a call are laid over the client's defaults with {@link #overlay}: what the call does not set
 * comes from the defaults.
 *
 * <p>Immutable and thread-safe; validated when built.
 */
public final class CallOptions {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_RETRIES = 1;
  public static final int MAX_RETRIES = 10;
  public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(50);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(1);

  private static final CallOptions DEFAULTS = builder().build();

  private final @Nullable Duration timeout;
  private final @Nullable Integer retries;
  private final @Nullable Duration backoff;
  private final @Nullable Duration maxBackoff;
  private final @Nullable List<NodeFilter> filters;
  private final @Nullable Strategy strategy;
  private final Metadata metadata;
  private final @Nullable String address;

  private CallOptions(Builder b) {
    this.timeout = b.timeout;
    this.retries = b.retries;
    this.backoff = b.backoff;
    this.maxBackoff = b.maxBackoff;
    this.filters = b.filters == null ? null : List.copyOf(b.filters);
    this.strategy = b.strategy;
    this.metadata = b.metadata;
    this.address = b.address;
    if (backoff().compareTo(maxBackoff()) > 0) {
      throw new IllegalArgumentException(
          "backoff: " + backoff() + " (expected: <= maxBackoff " + maxBackoff() + ")");
    }
  }

  /** Every option at its default. */
  public static CallOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** How long the caller waits for an answer, retries included; default 5 s. */
  public Duration timeout() {
    return timeout != null ? timeout : DEFAULT_TIMEOUT;
  }

  /** How many times a call may be retried when that is safe; default 1. */
  public int retries() {
    return retries != null ? retries : DEFAULT_RETRIES;
  }

  /** The first retry waits about this long, doubling after each; default 50 ms. */
  public Duration backoff() {
    return backoff != null ? backoff : DEFAULT_BACKOFF;
  }

  /** The back-off never exceeds this; default 1 s. */
  public Duration maxBackoff() {
    return maxBackoff != null ? maxBackoff : DEFAULT_MAX_BACKOFF;
  }

  /** Every filter must accept a node for the call to go to it. */
  public List<NodeFilter> filters() {
    return filters != null ? filters : List.of();
  }

  /** Overrides the selector's strategy when not null. */
  public @Nullable Strategy strategy() {
    return strategy;
  }

  /** The selection options handed to the selector. */
  public SelectOptions selectOptions() {
    return new SelectOptions(filters(), strategy);
  }

  /** Headers added to the call. */
  public Metadata metadata() {
    return metadata;
  }

  /** {@code host:port} to call directly, bypassing the selector; null to select a node. */
  public @Nullable String address() {
    return address;
  }

  /**
   * These options with every option not set here taken from {@code base}; metadata is merged, with
   * entries set here winning.
   */
  public CallOptions overlay(CallOptions base) {
    Builder b = new Builder();
    b.timeout = timeout != null ? timeout : base.timeout;
    b.retries = retries != null ? retries : base.retries;
    b.backoff = backoff != null ? backoff : base.backoff;
    b.maxBackoff = maxBackoff != null ? maxBackoff : base.maxBackoff;
    b.filters = filters != null ? filters : base.filters;
    b.strategy = strategy != null ? strategy : base.strategy;
    b.metadata = base.metadata.merge(metadata);
    b.address = address != null ? address : base.address;
    return b.build();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.timeout = timeout;
    b.retries = retries;
    b.backoff = backoff;
    b.maxBackoff = maxBackoff;
    b.filters = filters == null ? null : new ArrayList<>(filters);
    b.strategy = strategy;
    b.metadata = metadata;
    b.address = address;
    return b;
  }

  @Override
  public String toString() {
    return "CallOptions{timeout="
        + timeout()
        + ", retries="
        + retries()
        + ", backoff="
        + backoff()
        + ", filters="
        + filters().stream().map(NodeFilter::describe).toList()
        + (strategy == null ? "" : ", strategy=" + strategy.name())
        + (address == null ? "" : ", address=" + address)
        + "}";
  }

  /** Not thread-safe. */
  public static final class Builder {
    private @Nullable Duration timeout;
    private @Nullable Integer retries;
    private @Nullable Duration backoff;
    private @Nullable Duration maxBackoff;
    private @Nullable List<NodeFilter> filters;
    private @Nullable Strategy strategy;
    private Metadata metadata = Metadata.empty();
    private @Nullable String address;

    private Builder() {}

    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
      }
      this.timeout = timeout;
      return this;
    }

    public Builder retries(int retries) {
      if (retries < 0 || retries > MAX_RETRIES) {
        throw new IllegalArgumentException(
            "retries: " + retries + " (expected: 0.." + MAX_RETRIES + ")");
      }
      this.retries = retries;
      return this;
    }

    public Builder backoff(Duration backoff) {
      Objects.requireNonNull(backoff, "backoff");
      if (backoff.isNegative()) {
        throw new IllegalArgumentException("backoff: " + backoff + " (expected: >= 0)");
      }
      this.backoff = backoff;
      return this;
    }

    public Builder maxBackoff(Duration maxBackoff) {
      Objects.requireNonNull(maxBackoff, "maxBackoff");
      if (maxBackoff.isNegative()) {
        throw new IllegalArgumentException("maxBackoff: " + maxBackoff + " (expected: >= 0)");
      }
      this.maxBackoff = maxBackoff;
      return this;
    }

    /** Adds a node filter. */
    public Builder filter(NodeFilter filter) {
      Objects.requireNonNull(filter, "filter");
      if (filters == null) {
        filters = new ArrayList<>();
      }
      filters.add(filter);
      return this;
    }

    public Builder strategy(Strategy strategy) {
      this.strategy = Objects.requireNonNull(strategy, "strategy");
      return this;
    }

    public Builder metadata(String name, String value) {
      this.metadata = metadata.with(name, value);
      return this;
    }

    public Builder metadata(Metadata metadata) {
      this.metadata = this.metadata.merge(Objects.requireNonNull(metadata, "metadata"));
      return this;
    }

    /** Calls {@code hostPort} directly instead of selecting a node. */
    public Builder address(String hostPort) {
      Objects.requireNonNull(hostPort, "address");
      if (hostPort.isBlank()) {
        throw new IllegalArgumentException("address: \"\" (expected: host:port)");
      }
      this.address = hostPort;
      return this;
    }

    public CallOptions build() {
      return new CallOptions(this);
    }
  }
}
