package dev.vigil.framework.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * A named implementation of one {@link PluginKind}, created from configuration. Built-in plugins
 * are listed in {@link Plugins#builtIns()}; others are installed explicitly, for example with
 * {@code Service.builder().installPlugin(...)}, never discovered from the class path.
 *
 * <p>Implementations must be thread-safe.
 */
public interface Plugin<T> {
  PluginKind<T> kind();

  /** The name used in configuration, for example {@code nats}. */
  String name();

  /** Creates the component; called once per service that chooses this plugin. */
  T create(PluginContext context);

  /**
   * Whether {@link #create} returns an instance shared across the JVM (for example the default
   * memory registry), which a service must not close when it stops.
   */
  default boolean shared() {
    return false;
  }

  /** A plugin from a factory. */
  static <T> Plugin<T> of(PluginKind<T> kind, String name, Function<PluginContext, T> factory) {
    return of(kind, name, false, factory);
  }

  /** A plugin from a factory, saying whether the created instance is shared. */
  static <T> Plugin<T> of(
      PluginKind<T> kind, String name, boolean shared, Function<PluginContext, T> factory) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(factory, "factory");
    return new Plugin<>() {
      @Override
      public PluginKind<T> kind() {
        return kind;
      }

      @Override
      public String name() {
        return name;
      }

      @Override
      public T create(PluginContext context) {
        return factory.apply(context);
      }

      @Override
      public boolean shared() {
        return shared;
      }

      @Override
      public String toString() {
        return kind.key() + "=" + name;
      }
    };
  }
}
