package dev.vigil.framework.config;

import dev.vigil.framework.broker.Broker;
import dev.vigil.framework.registry.Registry;
import dev.vigil.framework.selector.Selector;
import dev.vigil.framework.transport.Transport;
import java.util.List;

/**
 * A component chosen by name in configuration: the key naming the plugin and the interface it
 * implements.
 *
 * @param key the configuration key, for example {@code vigil.broker}
 * @param type the interface every plugin of this kind returns
 * @param defaultName the plugin used when the key is not set
 */
public record PluginKind<T>(String key, Class<T> type, String defaultName) {
  public static final PluginKind<Registry> REGISTRY =
      new PluginKind<>(ConfigKeys.REGISTRY, Registry.class, "memory");
  public static final PluginKind<Transport> TRANSPORT =
      new PluginKind<>(ConfigKeys.TRANSPORT, Transport.class, "http");
  public static final PluginKind<Broker> BROKER =
      new PluginKind<>(ConfigKeys.BROKER, Broker.class, "memory");
  public static final PluginKind<Selector> SELECTOR =
      new PluginKind<>(ConfigKeys.SELECTOR, Selector.class, "default");

  public static final List<PluginKind<?>> ALL = List.of(REGISTRY, TRANSPORT, BROKER, SELECTOR);
}
