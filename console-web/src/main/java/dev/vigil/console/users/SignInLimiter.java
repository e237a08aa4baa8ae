package dev.vigil.console.users;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rate limit of failed sign-ins: at most {@link #MAX_FAILURES} failures per {@link #WINDOW} for
 * each remote address and for each user name, so neither guessing one account from many addresses
 * nor many accounts from one address goes fast. Remembers at most {@link #MAX_KEYS} keys (the
 * oldest are forgotten first).
 *
 * <p>Thread-safe.
 */
final class SignInLimiter {
  static final int MAX_FAILURES = 5;
  static final Duration WINDOW = Duration.ofMinutes(5);
  static final int MAX_KEYS = 10_000;

  private final Map<String, Deque<Long>> failures =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
          return size() > MAX_KEYS;
        }
      };

  /** Seconds until {@code address} and {@code user} may try again; 0 when they may now. */
  synchronized long retryAfterSeconds(String address, String user, long nowNanos) {
    return Math.max(wait("ip:" + address, nowNanos), wait("user:" + user, nowNanos));
  }

  synchronized void failed(String address, String user, long nowNanos) {
    failures.computeIfAbsent("ip:" + address, k -> new ArrayDeque<>()).addLast(nowNanos);
    failures.computeIfAbsent("user:" + user, k -> new ArrayDeque<>()).addLast(nowNanos);
  }

  synchronized void succeeded(String user) {
    failures.remove("user:" + user);
  }

  private long wait(String key, long nowNanos) {
    Deque<Long> times = failures.get(key);
    if (times == null) {
      return 0;
    }
    long window = WINDOW.toNanos();
    while (!times.isEmpty() && nowNanos - times.peekFirst() >= window) {
      times.removeFirst();
    }
    if (times.isEmpty()) {
      failures.remove(key);
      return 0;
    }
    if (times.size() < MAX_FAILURES) {
      return 0;
    }
    long until = times.peekFirst() + window - nowNanos;
    return Math.max(1, (until + 999_999_999L) / 1_000_000_000L);
  }
}
