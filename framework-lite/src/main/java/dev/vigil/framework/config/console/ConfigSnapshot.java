package dev.vigil.framework.config.console;

import java.util.Map;
import java.util.TreeMap;

/**
 * What an instance runs with: one release of one app's entries, as the console served it and as the
 * cache file stores it. Immutable.
 */
record ConfigSnapshot(
    String env, String app, int release, long index, Map<String, String> entries) {
  ConfigSnapshot {
    entries = entries == null ? Map.of() : Map.copyOf(new TreeMap<>(entries));
  }

  static ConfigSnapshot empty(String env, String app) {
    return new ConfigSnapshot(env, app, 0, 0, Map.of());
  }
}
