package dev.vigil.framework;

import dev.vigil.framework.broker.Broker;
import dev.vigil.framework.client.CallOptions;
import dev.vigil.framework.client.CallWrapper;
import dev.vigil.framework.client.Client;
import dev.vigil.framework.client.PublishWrapper;
import dev.vigil.framework.codec.Codecs;
import dev.vigil.framework.config.ConfigKeys;
import dev.vigil.framework.config.Plugin;
import dev.vigil.framework.config.PluginContext;
import dev.vigil.framework.config.PluginKind;
import dev.vigil.framework.config.Plugins;
import dev.vigil.framework.config.Settings;
import dev.vigil.framework.metrics.FrameworkMetrics;
import dev.vigil.framework.registry.Registry;
import dev.vigil.framework.selector.Selector;
import dev.vigil.framework.server.HandlerWrapper;
import dev.vigil.framework.server.Server;
import dev.vigil.framework.server.SubscriberWrapper;
import dev.vigil.framework.server.TypedHandler;
import dev.vigil.framework.server.TypedSubscriber;
import dev.vigil.framework.transport.ListenOptions;
import dev.vigil.framework.transport.Transport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One framework-lite service: a {@link Server} and a {@link Client} sharing a registry, selector,
 * transport, broker, codecs and metrics. Components are chosen by name from configuration ({@link
 * ConfigKeys}: code, then the {@code .properties} file, then environment variables, later winning)
 * among the {@link Plugins#builtIns() built-ins} and the plugins installed with {@link
 * Builder#installPlugin}; components passed to the builder as objects are used as given.
 *
 * <pre>{@code
 * Service greeter = Service.builder().name("greeter").build();
 * greeter.handle("Greeter.Hello", HelloRequest.class, req -> new HelloReply("Hello " + req.name()));
 * greeter.run(); // until SIGTERM or Ctrl-C, then a graceful stop
 * }</pre>
 *
 * <p>It owns (and closes at {@link #stop()}) the components it created from plugins, except the
 * JVM-wide shared memory registry and broker; it does not close components passed in as objects.
 *
 * <p>Thread-safe.
 */
public final class Service {
  private static final Logger log = LoggerFactory.getLogger(Service.class);

  private final Settings settings;
  private final Registry registry;
  private final Transport transport;
  private final @Nullable Broker broker;
  private final Selector selector;
  private final Codecs codecs;
  private final FrameworkMetrics metrics;
  private final Server server;
  private final Client client;
  private final List<AutoCloseable> owned;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private boolean started;
  private boolean closed;
  private @Nullable Thread shutdownHook;

  private Service(
      Settings settings,
      Registry registry,
      Transport transport,
      @Nullable Broker broker,
      Selector selector,
      Codecs codecs,
      FrameworkMetrics metrics,
      Server server,
      Client client,
      List<AutoCloseable> owned) {
    this.settings = settings;
    this.registry = registry;
    this.transport = transport;
    this.broker = broker;
    this.selector = selector;
    this.codecs = codecs;
    this.metrics = metrics;
    this.server = server;
    this.client = client;
    this.owned = owned;
  }

  public static Builder builder() {
    return new Builder();
  }

  public String name() {
    return server.name();
  }

  public Server server() {
    return server;
  }

  public Client client() {
    return client;
  }

  /** The effective configuration, every layer applied. */
  public Settings settings() {
    return settings;
  }

  public Registry registry() {
    return registry;
  }

  public Transport transport() {
    return transport;
  }

  /** The broker, or null when the service was built with {@code vigil.broker=none}. */
  public @Nullable Broker broker() {
    return broker;
  }

  public Selector selector() {
    return selector;
  }

  public Codecs codecs() {
    return codecs;
  }

  public FrameworkMetrics metrics() {
    return metrics;
  }

  /** Shorthand for {@code server().handle(endpoint, type, handler)}. */
  public <Req, Resp> Service handle(
      String endpoint, Class<Req> type, TypedHandler<Req, ? extends Resp> handler) {
    server.handle(endpoint, type, handler);
    return this;
  }

  /** Shorthand for {@code server().subscribe(topic, type, queue, subscriber)}. */
  public <T> Service subscribe(
      String topic, Class<T> type, @Nullable String queue, TypedSubscriber<T> subscriber) {
    server.subscribe(topic, type, queue, subscriber);
    return this;
  }

  /** Connects the broker and starts the server (listen, subscribe, register). */
  public synchronized Service start() {
    if (closed) {
      throw new IllegalStateException("service " + name() + " is stopped");
    }
    if (started) {
      return this;
    }
    if (broker != null) {
      broker.connect();
    }
    server.start();
    started = true;
    return this;
  }

  /**
   * Stops the server gracefully (deregister, drain, unsubscribe), then closes the components this
   * service created. Idempotent.
   */
  public void stop() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      server.stop();
    } finally {
      for (int i = owned.size() - 1; i >= 0; i--) {
        try {
          owned.get(i).close();
        } catch (Exception e) {
          log.warn("{}: closing {} failed: {}", name(), owned.get(i), e.toString());
        }
      }
      removeShutdownHook();
      stopped.countDown();
    }
  }

  /**
   * Starts the service and blocks until it is stopped: by {@link #stop()} from another thread, or
   * by SIGTERM / Ctrl-C, which run a graceful {@link #stop()} from a shutdown hook before the JVM
   * exits.
   */
  public void run() throws InterruptedException {
    // The hook goes in before start(), so a SIGTERM arriving while starting still stops gracefully.
    Thread hook = new Thread(this::stop, "vigil-shutdown-" + name());
    synchronized (this) {
      if (!closed) {
        shutdownHook = hook;
        Runtime.getRuntime().addShutdownHook(hook);
      }
    }
    try {
      start();
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
    stopped.await();
  }

  private synchronized void removeShutdownHook() {
    Thread hook = shutdownHook;
    shutdownHook = null;
    if (hook != null && hook != Thread.currentThread()) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting and runs the hook anyway; stop() is idempotent
      }
    }
  }

  /**
   * Collects code configuration and components; {@link #build()} applies the config file and the
   * environment, creates the missing components from plugins and validates everything. Not
   * thread-safe.
   */
  public static final class Builder {
    private Settings code = Settings.empty();
    private @Nullable Map<String, String> environment;
    private Plugins plugins = Plugins.builtIns();
    private @Nullable Registry registry;
    private @Nullable Transport transport;
    private @Nullable Broker broker;
    private @Nullable Selector selector;
    private Codecs codecs = Codecs.defaults();
    private @Nullable FrameworkMetrics metrics;
    private @Nullable CallOptions callOptions;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<HandlerWrapper> handlerWrappers = new ArrayList<>();
    private final List<SubscriberWrapper> subscriberWrappers = new ArrayList<>();
    private final List<CallWrapper> callWrappers = new ArrayList<>();
    private final List<PublishWrapper> publishWrappers = new ArrayList<>();

    private Builder() {}

    /** Sets {@code vigil.service.name} in code. */
    public Builder name(String name) {
      return set(
          ConfigKeys.SERVICE_NAME, dev.vigil.framework.registry.Service.requireValidName(name));
    }

    /** Sets {@code vigil.service.version} in code. */
    public Builder version(String version) {
      return set(ConfigKeys.SERVICE_VERSION, version);
    }

    /** Sets a configuration key in code; the config file and the environment override it. */
    public Builder set(String key, String value) {
      code = code.with(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, key));
      return this;
    }

    /** Adds code settings. */
    public Builder settings(Settings settings) {
      code = code.overlay(Objects.requireNonNull(settings, "settings"));
      return this;
    }

    /** The environment variables to read; default {@link System#getenv()}. For tests. */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(environment);
      return this;
    }

    /** Makes {@code plugin} choosable by name, replacing a plugin of the same kind and name. */
    public Builder installPlugin(Plugin<?> plugin) {
      plugins = plugins.with(plugin);
      return this;
    }

    /** Uses {@code registry} as given (not closed by the service) instead of a plugin. */
    public Builder registry(Registry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    public Builder broker(Broker broker) {
      this.broker = Objects.requireNonNull(broker, "broker");
      return this;
    }

    public Builder selector(Selector selector) {
      this.selector = Objects.requireNonNull(selector, "selector");
      return this;
    }

    public Builder codecs(Codecs codecs) {
      this.codecs = Objects.requireNonNull(codecs, "codecs");
      return this;
    }

    /** Default: a new {@link FrameworkMetrics} per service. */
    public Builder metrics(FrameworkMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /** Call defaults laid over the ones from configuration ({@code vigil.client.*}). */
    public Builder callOptions(CallOptions callOptions) {
      this.callOptions = Objects.requireNonNull(callOptions, "callOptions");
      return this;
    }

    public Builder metadata(String key, String value) {
      metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, key));
      return this;
    }

    public Builder wrapHandler(HandlerWrapper wrapper) {
      handlerWrappers.add(Objects.requireNonNull(wrapper, "wrapper"));
      return this;
    }

    public Builder wrapSubscriber(SubscriberWrapper wrapper) {
      subscriberWrappers.add(Objects.requireNonNull(wrapper, "wrapper"));
      return this;
    }

    public Builder wrapCall(CallWrapper wrapper) {
      callWrappers.add(Objects.requireNonNull(wrapper, "wrapper"));
      return this;
    }

    public Builder wrapPublish(PublishWrapper wrapper) {
      publishWrappers.add(Objects.requireNonNull(wrapper, "wrapper"));
      return this;
    }

    /**
     * Resolves configuration and creates the service.
     *
     * @throws IllegalArgumentException naming the key, the bad value and what was expected, for any
     *     invalid setting or unknown plugin name
     */
    public Service build() {
      Settings s = Settings.load(code, environment != null ? environment : System.getenv());
      String name =
          dev.vigil.framework.registry.Service.requireValidName(
              s.require(ConfigKeys.SERVICE_NAME, "a service name such as greeter"));
      FrameworkMetrics m = metrics != null ? metrics : new FrameworkMetrics();
      List<AutoCloseable> owned = new ArrayList<>();
      try {
        PluginContext context = new PluginContext(s, name, m, null);
        Registry reg = registry != null ? registry : create(PluginKind.REGISTRY, s, context, owned);
        context = new PluginContext(s, name, m, reg);
        Transport tr =
            transport != null ? transport : create(PluginKind.TRANSPORT, s, context, owned);
        Broker br = broker;
        if (br == null && !"none".equals(s.getString(ConfigKeys.BROKER, "memory"))) {
          br = create(PluginKind.BROKER, s, context, owned);
        }
        Selector sel = selector != null ? selector : create(PluginKind.SELECTOR, s, context, owned);

        Server.Builder sb =
            Server.builder(name, tr, reg)
                .version(s.getString(ConfigKeys.SERVICE_VERSION, Server.DEFAULT_VERSION))
                .address(s.getString(ConfigKeys.SERVER_ADDRESS, ListenOptions.DEFAULT_ADDRESS))
                .maxRequestBytes(
                    s.getLong(
                        ConfigKeys.SERVER_MAX_REQUEST_BYTES,
                        ListenOptions.DEFAULT_MAX_REQUEST_BYTES,
                        1))
                .drainTimeout(
                    s.getDuration(ConfigKeys.SERVER_DRAIN_TIMEOUT, Server.DEFAULT_DRAIN_TIMEOUT))
                .registerTtl(
                    s.getPositiveDuration(ConfigKeys.REGISTER_TTL, Server.DEFAULT_REGISTER_TTL))
                .registerInterval(
                    s.getPositiveDuration(
                        ConfigKeys.REGISTER_INTERVAL, Server.DEFAULT_REGISTER_INTERVAL))
                .broker(br)
                .codecs(codecs)
                .metrics(m);
        String advertise = s.getStringOrNull(ConfigKeys.SERVER_ADVERTISE);
        if (advertise != null) {
          sb.advertise(advertise);
        }
        metadata.forEach(sb::metadata);
        handlerWrappers.forEach(sb::wrapHandler);
        subscriberWrappers.forEach(sb::wrapSubscriber);
        Server server = sb.build();

        CallOptions configured =
            CallOptions.builder()
                .timeout(
                    s.getPositiveDuration(ConfigKeys.CLIENT_TIMEOUT, CallOptions.DEFAULT_TIMEOUT))
                .retries(
                    s.getInt(
                        ConfigKeys.CLIENT_RETRIES,
                        CallOptions.DEFAULT_RETRIES,
                        0,
                        CallOptions.MAX_RETRIES))
                .backoff(s.getDuration(ConfigKeys.CLIENT_BACKOFF, CallOptions.DEFAULT_BACKOFF))
                .build();
        Client.Builder cb =
            Client.builder(sel, tr)
                .codecs(codecs)
                .metrics(m)
                .broker(br)
                .defaults(callOptions == null ? configured : callOptions.overlay(configured));
        callWrappers.forEach(cb::wrapCall);
        publishWrappers.forEach(cb::wrapPublish);
        Client client = cb.build();
        return new Service(
            s, reg, tr, br, sel, codecs, m, server, client, Collections.unmodifiableList(owned));
      } catch (RuntimeException e) {
        for (int i = owned.size() - 1; i >= 0; i--) {
          try {
            owned.get(i).close();
          } catch (Exception suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e;
      }
    }

    private <T> T create(
        PluginKind<T> kind, Settings s, PluginContext context, List<AutoCloseable> owned) {
      Plugin<T> plugin = plugins.choose(kind, s);
      T component = Objects.requireNonNull(plugin.create(context), plugin.toString());
      if (!plugin.shared() && component instanceof AutoCloseable) {
        owned.add((AutoCloseable) component);
      }
      return component;
    }
  }
}
