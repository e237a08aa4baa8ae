package dev.vigil.framework.config;

import dev.vigil.framework.metrics.FrameworkMetrics;
import dev.vigil.framework.registry.Registry;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Plugin} may use to create its component: the settings, the service's name and
 * metrics, and the registry once it exists (registry plugins are created first). Immutable.
 */
public final class PluginContext {
  private final Settings settings;
  private final String serviceName;
  private final FrameworkMetrics metrics;
  private final @Nullable Registry registry;

  public PluginContext(
      Settings settings,
      String serviceName,
      FrameworkMetrics metrics,
      @Nullable Registry registry) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.registry = registry;
  }

  public Settings settings() {
    return settings;
  }

  public String serviceName() {
    return serviceName;
  }

  public FrameworkMetrics metrics() {
    return metrics;
  }

  /**
   * The service's registry.
   *
   * @throws IllegalStateException when called while the registry itself is being created
   */
  public Registry registry() {
    if (registry == null) {
      throw new IllegalStateException("the registry is not created yet");
    }
    return registry;
  }

  PluginContext withRegistry(Registry registry) {
    return new PluginContext(settings, serviceName, metrics, registry);
  }
}
