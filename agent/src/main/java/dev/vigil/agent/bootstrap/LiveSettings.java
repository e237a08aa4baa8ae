package dev.vigil.agent.bootstrap;

import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The one place holding the agent's current {@link Settings}: a volatile snapshot that advice reads
 * on every call, replaced whole by {@link #update} (for the config center) and announced to
 * listeners. Thread-safe.
 */
public final class LiveSettings {
  private static volatile Settings current = Settings.builder().build();
  private static final CopyOnWriteArrayList<Consumer<Settings>> listeners =
      new CopyOnWriteArrayList<>();

  private LiveSettings() {}

  public static Settings get() {
    return current;
  }

  public static void set(Settings settings) {
    current = settings;
    for (Consumer<Settings> l : listeners) {
      try {
        l.accept(settings);
      } catch (Throwable t) {
        AgentLog.warn("settings listener failed", t);
      }
    }
  }

  /**
   * Applies run-time overrides such as {@code vigil.sampler.ratio=0.01} or {@code
   * vigil.instrumentation.jdbc.enabled=false}. Bad values are logged and leave the old value.
   */
  public static Settings update(Map<String, String> overrides) {
    Settings next = current.withOverrides(overrides, AgentLog::warn);
    set(next);
    return next;
  }

  public static void addListener(Consumer<Settings> listener) {
    listeners.add(listener);
  }

  public static boolean enabled(String instrumentation) {
    return current.instrumentationEnabled(instrumentation);
  }
}
