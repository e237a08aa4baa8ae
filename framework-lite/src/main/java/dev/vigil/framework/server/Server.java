package dev.vigil.framework.server;

import dev.vigil.framework.CallContext;
import dev.vigil.framework.Metadata;
import dev.vigil.framework.broker.Broker;
import dev.vigil.framework.broker.BrokerMessage;
import dev.vigil.framework.broker.MessageHandler;
import dev.vigil.framework.broker.Subscription;
import dev.vigil.framework.codec.Codec;
import dev.vigil.framework.codec.Codecs;
import dev.vigil.framework.codec.JsonCodec;
import dev.vigil.framework.errors.ErrorWire;
import dev.vigil.framework.errors.FrameworkException;
import dev.vigil.framework.hooks.Hooks;
import dev.vigil.framework.metrics.FrameworkMetrics;
import dev.vigil.framework.registry.Endpoint;
import dev.vigil.framework.registry.Node;
import dev.vigil.framework.registry.Registry;
import dev.vigil.framework.registry.Service;
import dev.vigil.framework.transport.ListenOptions;
import dev.vigil.framework.transport.Listener;
import dev.vigil.framework.transport.Transport;
import dev.vigil.framework.transport.TransportRequest;
import dev.vigil.framework.transport.TransportResponse;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the endpoints and broker subscriptions of one service node. It owns its listener, its
 * registration (registered at {@link #start()}, renewed every {@link Builder#registerInterval} and
 * removed first thing at {@link #stop()}), its subscriptions and its handler chain: {@link Hooks}
 * wrappers outermost, then the configured {@link HandlerWrapper}s in order, then the endpoint's own
 * handler, which checks the deadline, decodes the body and runs the application code. It does not
 * own the transport, registry, broker or metrics it is given; whoever built them closes them.
 *
 * <p>Every request is answered: an unknown endpoint with 404 naming it, a malformed body with the
 * codec's 400, a passed deadline with 408 (the handler does not run), a {@link FrameworkException}
 * with its code and any other exception with 500 and a fresh error id that is also in the log line
 * with the stack trace. {@code GET /health} and {@code GET /metrics} are served beside the
 * endpoints by transports that speak HTTP.
 *
 * <p>Thread-safe. Endpoints and subscriptions may be added before or after {@link #start()}.
 */
public final class Server {
  public static final String DEFAULT_VERSION = "latest";
  public static final Duration DEFAULT_REGISTER_TTL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_REGISTER_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
  public static final String HEALTH_PATH = "/health";
  public static final String METRICS_PATH = "/metrics";

  /** Endpoint label for metrics of requests to endpoints this server does not serve. */
  static final String UNKNOWN_ENDPOINT_LABEL = "unknown";

  private static final Pattern ENDPOINT =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*");
  private static final Logger log = LoggerFactory.getLogger(Server.class);

  private enum State {
    NEW,
    RUNNING,
    STOPPING,
    STOPPED
  }

  private final String name;
  private final String version;
  private final Map<String, String> metadata;
  private final String nodeId;
  private final String address;
  private final @Nullable String advertise;
  private final Transport transport;
  private final Registry registry;
  private final @Nullable Broker broker;
  private final Codecs codecs;
  private final FrameworkMetrics metrics;
  private final Duration registerTtl;
  private final Duration registerInterval;
  private final Duration drainTimeout;
  private final long maxRequestBytes;
  private final Handler chain;
  private final List<SubscriberWrapper> subscriberWrappers;

  private final Map<String, Route<?>> routes = new ConcurrentHashMap<>();
  private final List<Subscriber<?>> subscribers = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Instant created = Instant.now();

  private volatile State state = State.NEW;
  private volatile @Nullable Listener listener;
  private volatile @Nullable Service registered;
  private volatile @Nullable Instant startedAt;
  private @Nullable ScheduledExecutorService heartbeat;

  private Server(Builder b) {
    this.name = b.name;
    this.version = b.version;
    this.metadata = Map.copyOf(b.metadata);
    this.nodeId =
        b.nodeId != null ? b.nodeId : name + "-" + UUID.randomUUID().toString().substring(0, 8);
    this.address = b.address;
    this.advertise = b.advertise;
    this.transport = b.transport;
    this.registry = b.registry;
    this.broker = b.broker;
    this.codecs = b.codecs;
    this.metrics = b.metrics;
    this.registerTtl = b.registerTtl;
    this.registerInterval = b.registerInterval;
    this.drainTimeout = b.drainTimeout;
    this.maxRequestBytes = b.maxRequestBytes;
    List<HandlerWrapper> wrappers = new ArrayList<>(Hooks.handlerWrappers());
    wrappers.addAll(b.handlerWrappers);
    Handler h = this::dispatch;
    for (int i = wrappers.size() - 1; i >= 0; i--) {
      h = Objects.requireNonNull(wrappers.get(i).wrap(h), "wrapper returned null");
    }
    this.chain = h;
    List<SubscriberWrapper> subs = new ArrayList<>(Hooks.subscriberWrappers());
    subs.addAll(b.subscriberWrappers);
    this.subscriberWrappers = List.copyOf(subs);
  }

  /**
   * A builder for a server named {@code name}, listening with {@code transport} and registering in
   * {@code registry}.
   */
  public static Builder builder(String name, Transport transport, Registry registry) {
    return new Builder(name, transport, registry);
  }

  /**
   * Serves {@code endpoint} ({@code Service.Method}, for example {@code Greeter.Hello}): request
   * bodies are decoded into {@code type} and passed to {@code handler}.
   *
   * @throws IllegalArgumentException for a malformed or duplicate endpoint name
   */
  public <Req, Resp> Server handle(
      String endpoint, Class<Req> type, TypedHandler<Req, ? extends Resp> handler) {
    requireValidEndpoint(endpoint);
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(handler, "handler");
    Route<Req> route = new Route<>(endpoint, type, handler);
    if (routes.putIfAbsent(endpoint, route) != null) {
      throw new IllegalArgumentException(
          "endpoint: \"" + endpoint + "\" (expected: not already served by " + name + ")");
    }
    reregisterIfRunning();
    return this;
  }

  /**
   * Serves every public instance method of {@code impl} taking one parameter as endpoint {@code
   * ClassSimpleName.method}, for example {@code Greeter.hello}.
   */
  public Server handle(Object impl) {
    return handle(impl.getClass().getSimpleName(), impl);
  }

  /** As {@link #handle(Object)}, naming the endpoints {@code prefix.method}. */
  public Server handle(String prefix, Object impl) {
    Objects.requireNonNull(impl, "impl");
    int count = 0;
    for (Method m : impl.getClass().getMethods()) {
      if (m.getDeclaringClass() == Object.class
          || overridesObjectMethod(m)
          || Modifier.isStatic(m.getModifiers())
          || m.isBridge()
          || m.isSynthetic()
          || m.getParameterCount() != 1) {
        continue;
      }
      m.setAccessible(true);
      @SuppressWarnings("unchecked")
      Class<Object> type = (Class<Object>) m.getParameterTypes()[0];
      handle(prefix + "." + m.getName(), type, req -> invoke(m, impl, req));
      count++;
    }
    if (count == 0) {
      throw new IllegalArgumentException(
          "handler object: "
              + impl.getClass().getName()
              + " (expected: public methods taking exactly one request parameter)");
    }
    return this;
  }

  /** {@code equals(Object)} and the like are never endpoints, even when overridden. */
  private static boolean overridesObjectMethod(Method m) {
    try {
      Object.class.getMethod(m.getName(), m.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static Object invoke(Method m, Object impl, Object request) throws Exception {
    try {
      return m.invoke(impl, request);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception) {
        throw (Exception) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw e;
    }
  }

  /**
   * Subscribes {@code subscriber} to {@code topic}; message bodies are decoded by their {@code
   * content-type} header into {@code type}. With a {@code queue} group, each message goes to one
   * member of the group. Subscriptions are made at {@link #start()} (immediately when running) and
   * listed in the registration.
   *
   * @throws IllegalStateException when the server has no broker
   */
  public <T> Server subscribe(
      String topic, Class<T> type, @Nullable String queue, TypedSubscriber<T> subscriber) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(subscriber, "subscriber");
    if (broker == null) {
      throw new IllegalStateException(
          "subscribe " + topic + ": server " + name + " has no broker (configure one)");
    }
    Subscriber<T> sub = new Subscriber<>(topic, type, queue, subscriber);
    subscribers.add(sub);
    synchronized (this) {
      if (state == State.RUNNING) {
        sub.subscribe();
      }
    }
    reregisterIfRunning();
    return this;
  }

  /**
   * Listens, subscribes, registers and starts renewing the registration.
   *
   * @throws IllegalStateException when already started
   */
  public synchronized Server start() {
    if (state != State.NEW) {
      throw new IllegalStateException("server " + name + " is " + state + " (expected: NEW)");
    }
    Map<String, Supplier<TransportResponse>> getRoutes = new LinkedHashMap<>();
    getRoutes.put(HEALTH_PATH, this::health);
    getRoutes.put(METRICS_PATH, this::metricsPage);
    Listener l =
        transport.listen(new ListenOptions(address, maxRequestBytes, getRoutes), this::serve);
    listener = l;
    startedAt = Instant.now();
    try {
      for (Subscriber<?> s : subscribers) {
        s.subscribe();
      }
    } catch (RuntimeException e) {
      l.close();
      throw e;
    }
    state = State.RUNNING;
    register();
    ScheduledExecutorService hb =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vigil-server-heartbeat-" + name);
              t.setDaemon(true);
              return t;
            });
    long every = registerInterval.toMillis();
    hb.scheduleWithFixedDelay(this::register, every, every, TimeUnit.MILLISECONDS);
    heartbeat = hb;
    log.info(
        "{} {} node {} listening on {} ({} endpoint(s), {} subscription(s))",
        name,
        version,
        nodeId,
        l.address(),
        routes.size(),
        subscribers.size());
    return this;
  }

  /**
   * Deregisters, stops accepting requests, waits up to the drain timeout for the requests in flight
   * to complete, unsubscribes and releases the listener. Idempotent; a server that never started
   * just becomes stopped.
   */
  public void stop() {
    ScheduledExecutorService hb;
    Listener l;
    synchronized (this) {
      if (state == State.STOPPING || state == State.STOPPED) {
        return;
      }
      if (state == State.NEW) {
        state = State.STOPPED;
        return;
      }
      state = State.STOPPING;
      hb = heartbeat;
      l = listener;
    }
    long began = System.nanoTime();
    if (hb != null) {
      hb.shutdownNow();
    }
    Service record = registered;
    if (record != null) {
      try {
        registry.deregister(record);
      } catch (RuntimeException e) {
        log.warn("{}: deregistering node {} failed: {}", name, nodeId, e.toString());
      }
    }
    if (l != null) {
      l.close(drainTimeout);
    }
    long deadline = began + drainTimeout.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (inFlight.get() > 0) {
      log.warn(
          "{}: {} request(s) still in flight after the drain timeout of {} ms",
          name,
          inFlight.get(),
          drainTimeout.toMillis());
    }
    for (Subscriber<?> s : subscribers) {
      s.unsubscribe();
    }
    synchronized (this) {
      state = State.STOPPED;
    }
    log.info(
        "{} node {} stopped after draining for {} ms",
        name,
        nodeId,
        (System.nanoTime() - began) / 1_000_000);
  }

  public String name() {
    return name;
  }

  public String version() {
    return version;
  }

  public String nodeId() {
    return nodeId;
  }

  /**
   * The {@code host:port} the listener is bound to.
   *
   * @throws IllegalStateException before {@link #start()}
   */
  public String address() {
    Listener l = listener;
    if (l == null) {
      throw new IllegalStateException("server " + name + " is not started");
    }
    return l.address();
  }

  /** The address registered for this node: the advertise address, or the bound address. */
  public String advertisedAddress() {
    if (advertise != null) {
      return advertise;
    }
    String bound = address();
    if (bound.startsWith("0.0.0.0:") || bound.startsWith("[::]:")) {
      try {
        return InetAddress.getLocalHost().getHostAddress()
            + bound.substring(bound.lastIndexOf(':'));
      } catch (UnknownHostException e) {
        return bound;
      }
    }
    return bound;
  }

  /** Endpoint names served, sorted. */
  public List<String> endpoints() {
    return routes.keySet().stream().sorted().toList();
  }

  public FrameworkMetrics metrics() {
    return metrics;
  }

  /** Requests being handled right now. */
  public int inFlight() {
    return inFlight.get();
  }

  public boolean isRunning() {
    return state == State.RUNNING;
  }

  /** The registration record of this node as last sent to the registry. */
  public Service registration() {
    List<Endpoint> endpoints = new ArrayList<>();
    for (String e : endpoints()) {
      endpoints.add(new Endpoint(e, Map.of("request", routes.get(e).type.getName())));
    }
    for (Subscriber<?> s : subscribers) {
      Map<String, String> md = new LinkedHashMap<>();
      md.put("subscriber", "true");
      md.put("topic", s.topic);
      if (s.queue != null) {
        md.put("queue", s.queue);
      }
      endpoints.add(new Endpoint(s.topic, md));
    }
    Map<String, String> nodeMetadata = new LinkedHashMap<>(metadata);
    nodeMetadata.put("transport", transport.name());
    if (broker != null) {
      nodeMetadata.put("broker", broker.name());
    }
    Node node = new Node(nodeId, advertisedAddress(), nodeMetadata);
    return new Service(name, version, metadata, endpoints, List.of(node));
  }

  private void register() {
    if (state != State.RUNNING) {
      return;
    }
    try {
      Service record = registration();
      registry.register(record, registerTtl);
      registered = record;
    } catch (RuntimeException e) {
      log.warn(
          "{}: registering node {} failed, retrying in {} ms: {}",
          name,
          nodeId,
          registerInterval.toMillis(),
          e.toString());
    }
  }

  private void reregisterIfRunning() {
    if (state == State.RUNNING) {
      register();
    }
  }

  // ---- request path ----

  @SuppressWarnings("try") // the context scope is only closed, never read
  private TransportResponse serve(TransportRequest request) {
    long start = System.nanoTime();
    inFlight.incrementAndGet();
    metrics.serverInFlight(1);
    Route<?> route = routes.get(request.endpoint());
    int code = 200;
    try {
      Instant deadline = request.timeout() == null ? null : Instant.now().plus(request.timeout());
      ServerRequest sr =
          new ServerRequest(
              name,
              request.endpoint(),
              request.metadata(),
              request.contentType(),
              request.body(),
              deadline,
              route == null ? null : route.type,
              codecs);
      CallContext context = new CallContext(name, request.endpoint(), request.metadata(), deadline);
      Object result;
      try (CallContext.Scope ignored = context.attach()) {
        result = chain.handle(sr);
      }
      return encode(sr, result);
    } catch (FrameworkException e) {
      code = e.code();
      return error(e);
    } catch (Exception | LinkageError | AssertionError e) {
      FrameworkException internal =
          FrameworkException.internal(request.endpoint() + " failed: " + e.getClass().getName(), e);
      code = internal.code();
      log.error(
          "{} {} failed with error id {}: {}",
          name,
          request.endpoint(),
          internal.id(),
          e.toString(),
          e);
      return error(internal);
    } finally {
      inFlight.decrementAndGet();
      metrics.serverInFlight(-1);
      metrics.serverRequest(
          route == null ? UNKNOWN_ENDPOINT_LABEL : request.endpoint(),
          code,
          System.nanoTime() - start);
    }
  }

  /** The innermost handler: admission checks, routing, decoding and the application code. */
  private Object dispatch(ServerRequest request) throws Exception {
    if (state != State.RUNNING) {
      throw FrameworkException.unavailable(name, "node " + nodeId + " is draining");
    }
    Route<?> route = routes.get(request.endpoint());
    if (route == null) {
      throw FrameworkException.notFound(
          name,
          "unknown endpoint '"
              + request.endpoint()
              + "' on service "
              + name
              + " (known: "
              + brief(endpoints())
              + ")");
    }
    Instant deadline = request.deadline();
    if (deadline != null && !Instant.now().isBefore(deadline)) {
      throw FrameworkException.timeout(
          name, "deadline of " + request.endpoint() + " passed before the handler ran");
    }
    return route.invoke(request);
  }

  private static String brief(List<String> names) {
    if (names.isEmpty()) {
      return "none";
    }
    if (names.size() <= 10) {
      return String.join(", ", names);
    }
    return String.join(", ", names.subList(0, 10)) + ", ... " + (names.size() - 10) + " more";
  }

  private TransportResponse encode(ServerRequest request, @Nullable Object result) {
    if (result == null) {
      return new TransportResponse(200, Metadata.empty(), contentTypeOf(request), new byte[0]);
    }
    Codec codec = codecs.forValue(result);
    if (codec == codecs.defaultCodec()) {
      try {
        Codec requested = request.codec();
        if (requested.supports(result.getClass())) {
          codec = requested;
        }
      } catch (FrameworkException unsupportedContentType) {
        // answer in the default codec
      }
    }
    return new TransportResponse(200, Metadata.empty(), codec.contentType(), codec.encode(result));
  }

  private String contentTypeOf(ServerRequest request) {
    try {
      return request.codec().contentType();
    } catch (FrameworkException e) {
      return codecs.defaultCodec().contentType();
    }
  }

  private static TransportResponse error(FrameworkException e) {
    return new TransportResponse(
        e.code(), Metadata.empty(), ErrorWire.CONTENT_TYPE, ErrorWire.encode(e));
  }

  private TransportResponse health() {
    boolean up = state == State.RUNNING;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", up ? "ok" : state == State.NEW ? "starting" : "draining");
    body.put("service", name);
    body.put("version", version);
    body.put("node", nodeId);
    Instant since = startedAt != null ? startedAt : created;
    body.put("uptime", Duration.between(since, Instant.now()).toMillis() / 1000.0);
    body.put("inFlight", inFlight.get());
    return new TransportResponse(
        up ? 200 : 503,
        Metadata.empty(),
        JsonCodec.CONTENT_TYPE,
        JsonCodec.instance().encode(body));
  }

  private TransportResponse metricsPage() {
    return new TransportResponse(
        200, Metadata.empty(), FrameworkMetrics.TEXT_CONTENT_TYPE, metrics.scrape());
  }

  static String requireValidEndpoint(String endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    if (!ENDPOINT.matcher(endpoint).matches()) {
      throw new IllegalArgumentException(
          "endpoint: \""
              + endpoint
              + "\" (expected: Service.Method, for example Greeter.Hello: two identifiers"
              + " joined by one '.')");
    }
    return endpoint;
  }

  private static final class Route<Req> {
    final String endpoint;
    final Class<Req> type;
    final TypedHandler<Req, ?> handler;

    Route(String endpoint, Class<Req> type, TypedHandler<Req, ?> handler) {
      this.endpoint = endpoint;
      this.type = type;
      this.handler = handler;
    }

    Object invoke(ServerRequest request) throws Exception {
      Req body = type.cast(request.body());
      return handler.handle(body);
    }

    @Override
    public String toString() {
      return endpoint;
    }
  }

  private final class Subscriber<T> {
    final String topic;
    final Class<T> type;
    final @Nullable String queue;
    final MessageHandler handler;
    volatile @Nullable Subscription subscription;

    @SuppressWarnings("try") // the context scope is only closed, never read
    Subscriber(String topic, Class<T> type, @Nullable String queue, TypedSubscriber<T> target) {
      this.topic = topic;
      this.type = type;
      this.queue = queue;
      MessageHandler h =
          (t, message) -> {
            String contentType = message.headers().getOrNull(BrokerMessage.CONTENT_TYPE);
            Codec codec =
                contentType == null ? codecs.defaultCodec() : codecs.forContentType(contentType);
            T value = codec.decode(message.body(), type);
            CallContext context = new CallContext(name, t, message.headers(), null);
            try (CallContext.Scope ignored = context.attach()) {
              target.receive(value);
            }
          };
      for (int i = subscriberWrappers.size() - 1; i >= 0; i--) {
        h = Objects.requireNonNull(subscriberWrappers.get(i).wrap(h), "wrapper returned null");
      }
      this.handler = h;
    }

    void subscribe() {
      if (subscription == null) {
        subscription = Objects.requireNonNull(broker).subscribe(topic, queue, handler);
      }
    }

    void unsubscribe() {
      Subscription s = subscription;
      subscription = null;
      if (s != null) {
        try {
          s.unsubscribe();
        } catch (RuntimeException e) {
          log.warn("{}: unsubscribing from {} failed: {}", name, topic, e.toString());
        }
      }
    }
  }

  /** Configures a {@link Server}; validated by {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final Transport transport;
    private final Registry registry;
    private String version = DEFAULT_VERSION;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private @Nullable String nodeId;
    private String address = ListenOptions.DEFAULT_ADDRESS;
    private @Nullable String advertise;
    private @Nullable Broker broker;
    private Codecs codecs = Codecs.defaults();
    private FrameworkMetrics metrics = new FrameworkMetrics();
    private Duration registerTtl = DEFAULT_REGISTER_TTL;
    private Duration registerInterval = DEFAULT_REGISTER_INTERVAL;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private long maxRequestBytes = ListenOptions.DEFAULT_MAX_REQUEST_BYTES;
    private final List<HandlerWrapper> handlerWrappers = new ArrayList<>();
    private final List<SubscriberWrapper> subscriberWrappers = new ArrayList<>();

    private Builder(String name, Transport transport, Registry registry) {
      this.name = Service.requireValidName(Objects.requireNonNull(name, "name"));
      this.transport = Objects.requireNonNull(transport, "transport");
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    public Builder version(String version) {
      Objects.requireNonNull(version, "version");
      if (version.isBlank()) {
        throw new IllegalArgumentException("version: \"\" (expected: a non-blank version)");
      }
      this.version = version;
      return this;
    }

    /** Registered with the service and each node, for example {@code zone} or {@code weight}. */
    public Builder metadata(String key, String value) {
      metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, key));
      return this;
    }

    /** Default: the name, a dash and 8 random hex digits. */
    public Builder nodeId(String nodeId) {
      Objects.requireNonNull(nodeId, "nodeId");
      if (nodeId.isBlank()) {
        throw new IllegalArgumentException("nodeId: \"\" (expected: a non-blank id)");
      }
      this.nodeId = nodeId;
      return this;
    }

    /** {@code host:port} to listen on; default {@code 127.0.0.1:0} (a free port on loopback). */
    public Builder address(String address) {
      this.address = requireHostPort("address", address);
      return this;
    }

    /** {@code host:port} registered for callers when it differs from the bound address. */
    public Builder advertise(String advertise) {
      this.advertise = requireHostPort("advertise", advertise);
      return this;
    }

    public Builder broker(@Nullable Broker broker) {
      this.broker = broker;
      return this;
    }

    public Builder codecs(Codecs codecs) {
      this.codecs = Objects.requireNonNull(codecs, "codecs");
      return this;
    }

    public Builder metrics(FrameworkMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /** Registrations expire after this unless renewed; default 30 s. */
    public Builder registerTtl(Duration registerTtl) {
      this.registerTtl = requirePositive("registerTtl", registerTtl);
      return this;
    }

    /** Registrations are renewed this often; default 10 s; must be below the TTL. */
    public Builder registerInterval(Duration registerInterval) {
      this.registerInterval = requirePositive("registerInterval", registerInterval);
      return this;
    }

    /** How long {@link Server#stop()} waits for requests in flight; default 10 s. */
    public Builder drainTimeout(Duration drainTimeout) {
      Objects.requireNonNull(drainTimeout, "drainTimeout");
      if (drainTimeout.isNegative()) {
        throw new IllegalArgumentException("drainTimeout: " + drainTimeout + " (expected: >= 0)");
      }
      this.drainTimeout = drainTimeout;
      return this;
    }

    /** Larger request bodies are refused with 413; default 4 MiB. */
    public Builder maxRequestBytes(long maxRequestBytes) {
      if (maxRequestBytes <= 0) {
        throw new IllegalArgumentException(
            "maxRequestBytes: " + maxRequestBytes + " (expected: > 0)");
      }
      this.maxRequestBytes = maxRequestBytes;
      return this;
    }

    /** Adds a handler wrapper inside those added before. */
    public Builder wrapHandler(HandlerWrapper wrapper) {
      handlerWrappers.add(Objects.requireNonNull(wrapper, "wrapper"));
      return this;
    }

    /** Adds a subscriber wrapper inside those added before. */
    public Builder wrapSubscriber(SubscriberWrapper wrapper) {
      subscriberWrappers.add(Objects.requireNonNull(wrapper, "wrapper"));
      return this;
    }

    public Server build() {
      if (registerInterval.compareTo(registerTtl) >= 0) {
        throw new IllegalArgumentException(
            "registerInterval: "
                + registerInterval
                + " (expected: < registerTtl "
                + registerTtl
                + ", so a registration is renewed before it expires)");
      }
      return new Server(this);
    }

    private static String requireHostPort(String what, String value) {
      Objects.requireNonNull(value, what);
      int colon = value.lastIndexOf(':');
      boolean ok = colon > 0 && colon < value.length() - 1;
      if (ok) {
        try {
          int port = Integer.parseInt(value.substring(colon + 1));
          ok = port >= 0 && port <= 65535;
        } catch (NumberFormatException e) {
          ok = false;
        }
      }
      if (!ok) {
        throw new IllegalArgumentException(
            what + ": \"" + value + "\" (expected: host:port, for example 127.0.0.1:8080)");
      }
      return value;
    }

    private static Duration requirePositive(String what, Duration value) {
      Objects.requireNonNull(value, what);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(what + ": " + value + " (expected: > 0)");
      }
      return value;
    }
  }
}
