package dev.vigil.agent.bootstrap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns the entries of one {@code vigil-agent} release into the run-time overrides {@link
 * LiveSettings#update} takes: {@code sampler.ratio}, {@code instrumentation.<name>.enabled}, {@code
 * log.level} and {@code metrics.interval}. Only what changed since the last release is returned; a
 * bad value is reported once ("...; keeping 1.0") and leaves the current value; a key removed from
 * the config center goes back to its start-up value. Not thread-safe: the watcher thread owns one.
 */
final class LiveConfigKeys {
  private final Settings startup;

  /** Config center key to the raw value last seen, good or bad, so each is judged once. */
  private final Map<String, String> seen = new HashMap<>();

  LiveConfigKeys(Settings startup) {
    this.startup = startup;
  }

  /** The agent's property for a config center key, or null when it is not a live setting. */
  static String property(String key) {
    switch (key) {
      case "sampler.ratio":
      case "log.level":
      case "metrics.interval":
        return "vigil." + key;
      default:
        if (key.startsWith("instrumentation.") && key.endsWith(".enabled")) {
          String name =
              key.substring("instrumentation.".length(), key.length() - ".enabled".length());
          for (String i : Settings.INSTRUMENTATIONS) {
            if (i.equals(name)) {
              return "vigil." + key;
            }
          }
        }
        return null;
    }
  }

  /**
   * The overrides that bring {@code current} in line with {@code entries}, checked against {@code
   * current}: a bad value goes to {@code warn} (once per value) and is left out.
   */
  Map<String, String> changes(
      Map<String, String> entries, Settings current, Consumer<String> warn) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : entries.entrySet()) {
      String key = e.getKey();
      String value = e.getValue() == null ? "" : e.getValue().trim();
      if (value.equals(seen.get(key))) {
        continue;
      }
      seen.put(key, value);
      String property = property(key);
      if (property == null) {
        warn.accept(
            key
                + ": not a live agent setting (expected: sampler.ratio, log.level, metrics.interval"
                + " or instrumentation.<name>.enabled with <name> one of "
                + String.join(", ", Settings.INSTRUMENTATIONS)
                + "); ignored");
        continue;
      }
      List<String> problems = new ArrayList<>();
      current.withOverrides(Map.of(property, value), problems::add);
      if (!problems.isEmpty()) {
        warn.accept(
            key
                + ": "
                + problems
                    .get(0)
                    .substring(property.length() + 2)
                    .replace("; using ", "; keeping "));
        continue;
      }
      out.put(property, value);
    }
    for (String key : new ArrayList<>(seen.keySet())) {
      if (!entries.containsKey(key)) {
        seen.remove(key);
        String property = property(key);
        if (property != null) {
          out.put(property, startupValue(key));
        }
      }
    }
    return out;
  }

  private String startupValue(String key) {
    switch (key) {
      case "sampler.ratio":
        return Double.toString(startup.samplerRatio());
      case "log.level":
        return LogLevels.name(startup.logLevel());
      case "metrics.interval":
        return startup.metricsIntervalMillis() + "ms";
      default:
        String name =
            key.substring("instrumentation.".length(), key.length() - ".enabled".length());
        return Boolean.toString(startup.instrumentationEnabled(name));
    }
  }
}
