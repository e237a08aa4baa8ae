package dev.vigil.agent.instrumentation.jdbc;

import dev.vigil.agent.bootstrap.AttachedState;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * One value of type {@code V} per JDBC object: in the object's own field when the agent gave its
 * class one ({@link AttachedState}), else in a weakly keyed map split into independently locked
 * stripes, so that request threads recording and reading JDBC objects rarely wait for each other. A
 * field holding a value of another type reads as absent. Keys are compared as {@link WeakHashMap}
 * compares them. Thread-safe.
 */
final class ObjectState<V> {
  private static final int STRIPES = 16;

  private final Class<V> type;
  private final Map<Object, V>[] stripes;

  @SuppressWarnings("unchecked")
  ObjectState(Class<V> type) {
    this.type = type;
    stripes = new Map[STRIPES];
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new WeakHashMap<>();
    }
  }

  @SuppressWarnings("unchecked")
  V get(Object key) {
    if (key instanceof AttachedState) {
      Object state = ((AttachedState) key).vigil$state();
      return type.isInstance(state) ? (V) state : null;
    }
    Map<Object, V> m = stripe(key);
    synchronized (m) {
      return m.get(key);
    }
  }

  void put(Object key, V value) {
    if (key instanceof AttachedState) {
      ((AttachedState) key).vigil$state(value);
      return;
    }
    Map<Object, V> m = stripe(key);
    synchronized (m) {
      m.put(key, value);
    }
  }

  private Map<Object, V> stripe(Object key) {
    int h = key.hashCode();
    return stripes[(h ^ (h >>> 16)) & (STRIPES - 1)];
  }
}
