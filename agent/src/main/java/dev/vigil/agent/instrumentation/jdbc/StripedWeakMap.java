package dev.vigil.agent.instrumentation.jdbc;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * Weakly keyed map split into independently locked stripes, so that request threads recording and
 * reading JDBC objects rarely wait for each other. Keys are compared as {@link WeakHashMap}
 * compares them. Thread-safe.
 */
final class StripedWeakMap<K, V> {
  private static final int STRIPES = 16;

  private final Map<K, V>[] stripes;

  @SuppressWarnings("unchecked")
  StripedWeakMap() {
    stripes = new Map[STRIPES];
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new WeakHashMap<>();
    }
  }

  V get(K key) {
    Map<K, V> m = stripe(key);
    synchronized (m) {
      return m.get(key);
    }
  }

  void put(K key, V value) {
    Map<K, V> m = stripe(key);
    synchronized (m) {
      m.put(key, value);
    }
  }

  private Map<K, V> stripe(K key) {
    int h = key.hashCode();
    return stripes[(h ^ (h >>> 16)) & (STRIPES - 1)];
  }
}
