package dev.vigil.framework.client;

import dev.vigil.framework.errors.FrameworkException;
import dev.vigil.framework.errors.TransportException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a failed attempt may be retried and how long to wait first. Only failures that cannot have
 * executed the request are retried: a transport failure before any byte was sent (connection
 * refused, connect timeout, a timeout before sending) and a 503 answer (the node refused the work,
 * for example while draining). A 500, a 4xx or a timeout after the request was sent are final,
 * because retrying them could execute the request twice.
 *
 * <p>Stateless and thread-safe.
 */
final class RetryPolicy {
  private RetryPolicy() {}

  static boolean isRetryable(FrameworkException e) {
    if (e instanceof TransportException) {
      return !((TransportException) e).requestSent();
    }
    return e.code() == FrameworkException.UNAVAILABLE && !NoNode.is(e);
  }

  /**
   * Whether {@code e} says something about the node rather than the request: transport failures and
   * 502/503/504 answers mark the node failed; any other answer proves it alive.
   */
  static boolean isNodeFailure(FrameworkException e) {
    if (e instanceof TransportException) {
      return true;
    }
    int code = e.code();
    return code == FrameworkException.BAD_GATEWAY
        || code == FrameworkException.UNAVAILABLE
        || code == FrameworkException.GATEWAY_TIMEOUT;
  }

  /**
   * Exponential back-off with jitter: before retry {@code n} (1-based) wait a random time between
   * half and all of {@code min(max, base * 2^(n-1))}.
   */
  static Duration backoff(int retry, Duration base, Duration max) {
    long baseNanos = base.toNanos();
    long capped = max.toNanos();
    long exp = retry <= 1 ? baseNanos : baseNanos << Math.min(retry - 1, 30);
    if (exp < 0 || exp > capped) {
      exp = capped;
    }
    if (exp <= 0) {
      return Duration.ZERO;
    }
    long half = exp / 2;
    return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(exp - half + 1));
  }

  /** Marks the selector's "no node available" errors, which retrying cannot fix. */
  static final class NoNode {
    private NoNode() {}

    static boolean is(FrameworkException e) {
      return "selector".equals(e.id());
    }
  }
}
