package dev.vigil.agent.bootstrap;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-endpoint request count, error count and latency histogram for SERVER and CLIENT spans,
 * recorded when a span ends whether or not it is sampled, so rates stay exact under sampling.
 * Cumulative since start-up. Series are capped; past the cap new endpoints count under {@code
 * other}. Thread-safe.
 */
public final class RequestMetrics {
  /** Histogram bucket upper bounds in milliseconds. */
  static final double[] BOUNDS_MS = {
    1, 2, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 10000
  };

  static final int MAX_SERIES = 2000;
  static final String OVERFLOW = "other";

  @SuppressWarnings("unchecked")
  private static final ConcurrentHashMap<Key, Series>[] BY_KIND =
      new ConcurrentHashMap[SpanKind.values().length];

  static {
    for (int i = 0; i < BY_KIND.length; i++) {
      BY_KIND[i] = new ConcurrentHashMap<>();
    }
  }

  private static final LongAdder SERIES = new LongAdder();

  private RequestMetrics() {}

  static void record(
      SpanKind kind, String endpoint, String peer, long durationNanos, boolean error) {
    ConcurrentHashMap<Key, Series> map = BY_KIND[kind.ordinal()];
    // A per-thread probe finds existing series without a key object per request.
    Series s = map.get(PROBE.get().set(endpoint, peer));
    if (s == null) {
      Key probe = SERIES.sum() >= MAX_SERIES ? new Key(OVERFLOW, null) : new Key(endpoint, peer);
      s =
          map.computeIfAbsent(
              probe,
              k -> {
                SERIES.increment();
                return new Series();
              });
    }
    s.count.increment();
    if (error) {
      s.errors.increment();
    }
    s.sumNanos.add(durationNanos);
    double ms = durationNanos / 1_000_000.0;
    int i = 0;
    while (i < BOUNDS_MS.length && ms > BOUNDS_MS[i]) {
      i++;
    }
    s.buckets.incrementAndGet(i);
  }

  static Map<Key, Series> series(SpanKind kind) {
    return BY_KIND[kind.ordinal()];
  }

  private static final ThreadLocal<Key> PROBE = ThreadLocal.withInitial(() -> new Key("", null));

  /**
   * Endpoint and peer of one series. Keys in the maps never change; only a thread's own lookup
   * probe is reset with {@link #set}.
   */
  static final class Key {
    String endpoint;
    String peer;
    private int hash;

    Key(String endpoint, String peer) {
      set(endpoint, peer);
    }

    Key set(String endpoint, String peer) {
      this.endpoint = endpoint == null ? "" : endpoint;
      this.peer = peer;
      this.hash = this.endpoint.hashCode() * 31 + (peer == null ? 0 : peer.hashCode());
      return this;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Key)) {
        return false;
      }
      Key k = (Key) o;
      return endpoint.equals(k.endpoint) && (peer == null ? k.peer == null : peer.equals(k.peer));
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  static final class Series {
    final LongAdder count = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder sumNanos = new LongAdder();
    final AtomicLongArray buckets = new AtomicLongArray(BOUNDS_MS.length + 1);
  }
}
