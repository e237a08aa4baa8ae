package dev.vigil.framework.config;

import dev.vigil.framework.broker.Broker;
import dev.vigil.framework.broker.MemoryBroker;
import dev.vigil.framework.broker.http.HttpBroker;
import dev.vigil.framework.broker.nats.NatsBroker;
import dev.vigil.framework.metrics.FrameworkMetrics;
import dev.vigil.framework.registry.CachingRegistry;
import dev.vigil.framework.registry.Event;
import dev.vigil.framework.registry.MemoryRegistry;
import dev.vigil.framework.registry.Registry;
import dev.vigil.framework.registry.Service;
import dev.vigil.framework.registry.Watch;
import dev.vigil.framework.selector.DefaultSelector;
import dev.vigil.framework.selector.Selector;
import dev.vigil.framework.selector.Strategies;
import dev.vigil.framework.transport.MemoryTransport;
import dev.vigil.framework.transport.http.HttpTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The table of plugins a service chooses from by name: the built-ins below plus the ones installed
 * explicitly. An unknown name is a start-up error listing the valid names.
 *
 * <table>
 *   <caption>Built-in plugins</caption>
 *   <tr><th>key</th><th>name</th><th>component</th></tr>
 *   <tr><td>vigil.registry</td><td>memory</td><td>the JVM-wide shared {@link MemoryRegistry}</td></tr>
 *   <tr><td>vigil.registry</td><td>cache</td><td>{@link CachingRegistry} over the shared memory
 *       registry</td></tr>
 *   <tr><td>vigil.transport</td><td>http</td><td>{@link HttpTransport}</td></tr>
 *   <tr><td>vigil.transport</td><td>memory</td><td>{@link MemoryTransport}</td></tr>
 *   <tr><td>vigil.broker</td><td>memory</td><td>the JVM-wide shared {@link MemoryBroker}</td></tr>
 *   <tr><td>vigil.broker</td><td>http</td><td>{@link HttpBroker} over the service's
 *       registry</td></tr>
 *   <tr><td>vigil.broker</td><td>nats</td><td>{@link NatsBroker} at {@code
 *       vigil.broker.nats.url}</td></tr>
 *   <tr><td>vigil.selector</td><td>default</td><td>{@link DefaultSelector} with {@code
 *       vigil.selector.strategy}</td></tr>
 * </table>
 *
 * <p>The shared memory registry and broker play the role of go-micro's package-level defaults:
 * every service of the JVM configured with {@code memory} finds the others. They are never closed
 * by a service; their broker metrics go to {@link #sharedMetrics()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class Plugins {
  private static final FrameworkMetrics SHARED_METRICS = new FrameworkMetrics();

  private static final class Shared {
    static final MemoryRegistry REGISTRY = new MemoryRegistry();
    static final MemoryBroker BROKER = MemoryBroker.builder().metrics(SHARED_METRICS).build();
  }

  private static final Plugins BUILT_INS = new Plugins(builtInList());

  /** kind key -> plugin name -> plugin. */
  private final Map<String, Map<String, Plugin<?>>> table;

  private Plugins(List<Plugin<?>> plugins) {
    Map<String, Map<String, Plugin<?>>> t = new LinkedHashMap<>();
    for (Plugin<?> p : plugins) {
      t.computeIfAbsent(p.kind().key(), k -> new LinkedHashMap<>()).put(p.name(), p);
    }
    t.replaceAll((k, v) -> Map.copyOf(v));
    this.table = Map.copyOf(t);
  }

  public static Plugins builtIns() {
    return BUILT_INS;
  }

  /** These plugins plus {@code plugin}, which replaces a plugin of the same kind and name. */
  public Plugins with(Plugin<?> plugin) {
    Objects.requireNonNull(plugin, "plugin");
    List<Plugin<?>> all = new ArrayList<>();
    table.values().forEach(m -> all.addAll(m.values()));
    all.removeIf(p -> p.kind().equals(plugin.kind()) && p.name().equals(plugin.name()));
    all.add(plugin);
    return new Plugins(all);
  }

  /** The plugin names available for {@code kind}, sorted. */
  public List<String> names(PluginKind<?> kind) {
    return List.copyOf(new TreeSet<>(table.getOrDefault(kind.key(), Map.of()).keySet()));
  }

  /**
   * The plugin configured for {@code kind} in {@code settings}, or the kind's default.
   *
   * @throws IllegalArgumentException naming the key, the unknown name and the valid names
   */
  @SuppressWarnings("unchecked")
  public <T> Plugin<T> choose(PluginKind<T> kind, Settings settings) {
    String name = settings.getString(kind.key(), kind.defaultName());
    Plugin<?> p = table.getOrDefault(kind.key(), Map.of()).get(name);
    if (p == null) {
      throw settings.invalid(
          kind.key(),
          "one of "
              + String.join(", ", names(kind))
              + ", or a plugin installed with Service.builder().installPlugin(...)");
    }
    return (Plugin<T>) p;
  }

  /** Counts the messages of the shared memory broker. */
  public static FrameworkMetrics sharedMetrics() {
    return SHARED_METRICS;
  }

  /** The JVM-wide memory registry used by the {@code memory} registry plugin. */
  public static MemoryRegistry sharedMemoryRegistry() {
    return Shared.REGISTRY;
  }

  /** The JVM-wide memory broker used by the {@code memory} broker plugin. */
  public static MemoryBroker sharedMemoryBroker() {
    return Shared.BROKER;
  }

  private static List<Plugin<?>> builtInList() {
    List<Plugin<?>> list = new ArrayList<>();
    list.add(Plugin.of(PluginKind.REGISTRY, "memory", true, c -> sharedMemoryRegistry()));
    list.add(
        Plugin.of(
            PluginKind.REGISTRY,
            "cache",
            c -> CachingRegistry.wrap(new Unclosed(sharedMemoryRegistry()))));
    list.add(Plugin.of(PluginKind.TRANSPORT, "http", c -> HttpTransport.create()));
    list.add(Plugin.of(PluginKind.TRANSPORT, "memory", c -> new MemoryTransport()));
    list.add(Plugin.of(PluginKind.BROKER, "memory", true, c -> sharedMemoryBroker()));
    list.add(
        Plugin.<Broker>of(
            PluginKind.BROKER,
            "http",
            c -> HttpBroker.builder().metrics(c.metrics()).registry(c.registry()).build()));
    list.add(
        Plugin.<Broker>of(
            PluginKind.BROKER,
            "nats",
            c ->
                NatsBroker.builder()
                    .metrics(c.metrics())
                    .url(c.settings().getString(ConfigKeys.BROKER_NATS_URL, NatsBroker.DEFAULT_URL))
                    .connectionName(c.serviceName())
                    .build()));
    list.add(
        Plugin.<Selector>of(
            PluginKind.SELECTOR,
            "default",
            c ->
                DefaultSelector.builder(c.registry())
                    .strategy(
                        Strategies.byName(
                            c.settings()
                                .getChoice(
                                    ConfigKeys.SELECTOR_STRATEGY,
                                    Strategies.ROUND_ROBIN,
                                    Strategies.NAMES)))
                    .build()));
    return list;
  }

  /** A registry view whose close() leaves the shared registry open. */
  private static final class Unclosed implements Registry {
    private final Registry delegate;

    Unclosed(Registry delegate) {
      this.delegate = delegate;
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public void register(Service service, Duration ttl) {
      delegate.register(service, ttl);
    }

    @Override
    public void deregister(Service service) {
      delegate.deregister(service);
    }

    @Override
    public List<Service> getService(String name) {
      return delegate.getService(name);
    }

    @Override
    public List<Service> listServices() {
      return delegate.listServices();
    }

    @Override
    public Watch watch(@Nullable String service, Consumer<Event> listener) {
      return delegate.watch(service, listener);
    }

    @Override
    public void close() {}
  }
}
