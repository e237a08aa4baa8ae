package dev.vigil.framework.broker.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vigil.framework.broker.Broker;
import dev.vigil.framework.broker.BrokerMessage;
import dev.vigil.framework.broker.MessageHandler;
import dev.vigil.framework.broker.Subscription;
import dev.vigil.framework.broker.Topics;
import dev.vigil.framework.broker.internal.BrokerConfig;
import dev.vigil.framework.broker.internal.DropLog;
import dev.vigil.framework.broker.internal.HandlerInvoker;
import dev.vigil.framework.broker.internal.Threads;
import dev.vigil.framework.broker.internal.WireHeaders;
import dev.vigil.framework.errors.FrameworkException;
import dev.vigil.framework.metrics.FrameworkMetrics;
import dev.vigil.framework.registry.Node;
import dev.vigil.framework.registry.Registry;
import dev.vigil.framework.registry.Service;
import dev.vigil.framework.registry.Watch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Go Micro default broker (plugin name {@code http}): subscribers serve HTTP, publishers find
 * them in the {@link Registry} and POST each message to them. No broker process is needed.
 *
 * <p><b>Subscribing.</b> The first {@link #subscribe} starts an HTTP server on {@link
 * Builder#host}:{@link Builder#port} and registers this process as one node of the service {@link
 * Builder#serviceName} (default {@value #DEFAULT_SERVICE_NAME}), its metadata naming the topics and
 * queue groups subscribed to (for example {@code topic:orders.created=broadcast,queue:billing}).
 * The node is registered with {@link Builder#registerTtl} and renewed every {@link
 * Builder#registerInterval}, re-registered when the subscriptions change, and deregistered when the
 * last one ends or the broker closes. {@code POST /broker/{topic}[?queue=group]} runs the handler
 * once: 204 when it succeeded, 500 when it threw (so the publisher retries), the error's 4xx code
 * when it threw a {@link FrameworkException} with one (rejected for good), 404 with the header
 * {@code Vigil-Broker-Not-Subscribed} when nothing here subscribes (the publisher then tries
 * another group member), 413 beyond {@link Builder#maxBodyBytes}.
 *
 * <p><b>Publishing.</b> {@link #publish} reads the subscriber nodes from the registry (cached for
 * {@link Builder#lookupTtl} and dropped from the cache on any registry change), then queues one
 * delivery per node subscribed without a group and one per queue group on a bounded queue served by
 * {@link Builder#senders} threads; a full queue counts the delivery as dropped ({@code
 * queue_full}), so publish never waits for subscribers. A delivery POSTs the body as is with the
 * headers as HTTP headers (see {@link WireHeaders}); group members are taken round-robin. A node
 * that is unreachable or answers 5xx is retried with back-off up to {@link Builder#maxAttempts}
 * attempts, moving to the next member of the group if there is one, then the delivery is counted as
 * dropped ({@code handler_failed} after 500s, {@code unreachable} otherwise). A 4xx answer drops it
 * at once ({@code rejected}). Delivery is at least once: a retried message may reach a handler
 * twice. Messages may arrive out of order. A topic with no subscriber drops the message without a
 * count, as in Go Micro.
 *
 * <p><b>Counting.</b> The publisher counts published, retried and dropped messages; the subscriber
 * process counts delivered messages (handler succeeded), so nothing is counted twice when both
 * share metrics.
 *
 * <p>Thread-safe: subscriptions and the server are guarded by {@code this}.
 */
public final class HttpBroker implements Broker {
  public static final String NAME = "http";
  public static final String DEFAULT_SERVICE_NAME = "vigil.broker.http";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final String PATH = "/broker/";
  public static final String VERSION = "1";
  public static final Duration DEFAULT_REGISTER_TTL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_REGISTER_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_LOOKUP_TTL = Duration.ofSeconds(2);
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(50);
  public static final int DEFAULT_SENDERS = 4;
  public static final int DEFAULT_QUEUE_CAPACITY = 1024;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
  public static final int DEFAULT_SERVER_THREADS = 4;
  public static final Duration DEFAULT_DROP_REPORT_INTERVAL = Duration.ofSeconds(10);
  static final String QUEUE_PARAM = "queue=";

  /** Marks a 404 saying that the node no longer subscribes, not that the handler refused. */
  static final String NOT_SUBSCRIBED_HEADER = "Vigil-Broker-Not-Subscribed";

  /** {@code post} result for a node that no longer subscribes. */
  private static final int GONE = -2;

  static final int SERVER_QUEUE_CAPACITY = 1024;
  static final long CLOSE_GRACE_MILLIS = 1000;

  private static final Logger log = LoggerFactory.getLogger(HttpBroker.class);

  private final Builder config;
  private final FrameworkMetrics metrics;
  private final Registry registry;
  private final DropLog drops;
  private final String nodeId;
  private final ScheduledExecutorService timer;
  private final ThreadPoolExecutor senders;
  private final HttpClient client;
  private final Map<String, AtomicInteger> groupCursors = new ConcurrentHashMap<>();
  private volatile @Nullable CachedNodes cache;

  // guarded by this
  private final Map<String, List<HttpSubscription>> subscriptions = new HashMap<>();
  private final Map<String, Integer> localCursors = new HashMap<>();
  private @Nullable HttpServer server;
  private @Nullable ThreadPoolExecutor serverThreads;
  private @Nullable Node registered;
  private @Nullable ScheduledFuture<?> heartbeat;
  private @Nullable Watch watch;
  private boolean closed;

  private HttpBroker(Builder b) {
    this.config = b;
    this.metrics = b.metrics;
    this.registry = b.registry;
    this.drops = new DropLog(NAME, metrics, b.dropReportInterval);
    this.nodeId = b.serviceName + "-" + UUID.randomUUID().toString().substring(0, 13);
    this.timer = Threads.timer("vigil-http-broker-timer");
    this.senders = Threads.boundedPool("vigil-http-broker-sender", b.senders, b.queueCapacity);
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(b.connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    long report = b.dropReportInterval.toMillis();
    timer.scheduleWithFixedDelay(drops::flush, report, report, TimeUnit.MILLISECONDS);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Nothing to connect: the server starts on the first subscribe, lookups on the first publish. */
  @Override
  public void connect() {
    checkOpen();
  }

  /** The {@code host:port} subscribers are served on, once the first subscribe started it. */
  synchronized @Nullable String address() {
    return registered == null ? null : registered.address();
  }

  // ---------------------------------------------------------------- publishing

  @Override
  public void publish(String topic, BrokerMessage message) {
    Topics.requireValidTopic(topic);
    Objects.requireNonNull(message, "message");
    checkOpen();
    metrics.brokerPublished(NAME, topic);
    List<Node> nodes;
    try {
      nodes = subscriberNodes();
    } catch (RuntimeException e) {
      drops.dropped(topic, DropLog.UNREACHABLE, e);
      return;
    }
    SubscriberNodes.Targets targets = SubscriberNodes.targets(nodes, topic);
    for (Node node : targets.broadcast()) {
      enqueue(new Delivery(topic, null, message, List.of(node)));
    }
    targets
        .groups()
        .forEach(
            (group, members) -> {
              int start =
                  groupCursors
                      .computeIfAbsent(topic + '\0' + group, k -> new AtomicInteger())
                      .getAndIncrement();
              List<Node> order = new ArrayList<>(members.size());
              for (int i = 0; i < members.size(); i++) {
                order.add(members.get(Math.floorMod(start + i, members.size())));
              }
              enqueue(new Delivery(topic, group, message, order));
            });
  }

  private void enqueue(Delivery delivery) {
    try {
      senders.execute(delivery);
    } catch (RejectedExecutionException e) {
      drops.dropped(
          delivery.topic, senders.isShutdown() ? DropLog.CLOSED : DropLog.QUEUE_FULL, null);
    }
  }

  private List<Node> subscriberNodes() {
    CachedNodes c = cache;
    if (c != null && System.nanoTime() < c.expiresNanos) {
      return c.nodes;
    }
    watchRegistry();
    try {
      List<Node> nodes = new ArrayList<>();
      for (Service s : registry.getService(config.serviceName)) {
        nodes.addAll(s.nodes());
      }
      cache = new CachedNodes(List.copyOf(nodes), System.nanoTime() + config.lookupTtl.toNanos());
      return nodes;
    } catch (RuntimeException e) {
      if (c != null) {
        log.debug("http broker: registry lookup failed, using the last known nodes", e);
        return c.nodes;
      }
      throw e;
    }
  }

  private synchronized void watchRegistry() {
    if (watch == null && !closed) {
      watch = registry.watch(config.serviceName, event -> cache = null);
    }
  }

  private record CachedNodes(List<Node> nodes, long expiresNanos) {}

  /** One message on its way to one subscriber node, or to one member of a queue group. */
  private final class Delivery implements Runnable {
    final String topic;
    final @Nullable String queue;
    final BrokerMessage message;
    final List<Node> members;

    Delivery(String topic, @Nullable String queue, BrokerMessage message, List<Node> members) {
      this.topic = topic;
      this.queue = queue;
      this.message = message;
      this.members = new ArrayList<>(members);
    }

    @Override
    public void run() {
      int member = 0;
      String reason = DropLog.UNREACHABLE;
      Throwable last = null;
      for (int attempt = 1; ; attempt++) {
        Node node = members.get(member % members.size());
        int code;
        try {
          code = post(node);
        } catch (IOException e) {
          code = -1;
          last = e;
          reason = DropLog.UNREACHABLE;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          drops.dropped(topic, DropLog.CLOSED, null);
          return;
        } catch (RuntimeException e) {
          // a request the HTTP client refuses to build (bad address or header) never succeeds
          drops.dropped(topic, DropLog.REJECTED, e);
          return;
        }
        if (code >= 200 && code < 300) {
          return;
        }
        if (code == GONE) {
          // the node no longer subscribes: the registry will catch up; try the others
          members.remove(member % members.size());
          if (members.isEmpty()) {
            drops.dropped(topic, DropLog.UNSUBSCRIBED, null);
            return;
          }
        } else if (code >= 400 && code < 500 && code != 408 && code != 429) {
          drops.dropped(topic, DropLog.REJECTED, failure(node, code));
          return;
        } else if (code != -1) {
          last = failure(node, code);
          reason = code == 500 ? DropLog.HANDLER_FAILED : DropLog.UNREACHABLE;
          member++;
        } else {
          member++;
        }
        if (attempt >= config.maxAttempts) {
          drops.dropped(topic, reason, last);
          return;
        }
        metrics.brokerRetry(NAME, topic);
        if (!HandlerInvoker.sleep(HandlerInvoker.backoff(config.retryBackoff, attempt))) {
          drops.dropped(topic, DropLog.CLOSED, null);
          return;
        }
      }
    }

    private int post(Node node) throws IOException, InterruptedException {
      String uri =
          "http://"
              + node.address()
              + PATH
              + topic
              + (queue == null ? "" : "?" + QUEUE_PARAM + queue);
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(uri))
              .timeout(config.requestTimeout)
              .POST(HttpRequest.BodyPublishers.ofByteArray(message.body()));
      WireHeaders.write(message.headers(), request::header);
      HttpResponse<Void> response =
          client.send(request.build(), HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() == 404
          && response.headers().firstValue(NOT_SUBSCRIBED_HEADER).isPresent()) {
        return GONE;
      }
      return response.statusCode();
    }

    private FrameworkException failure(Node node, int code) {
      return new FrameworkException(
          NAME, code, "subscriber " + node.id() + " at " + node.address() + " answered " + code);
    }
  }

  // ---------------------------------------------------------------- subscribing

  @Override
  public Subscription subscribe(String topic, @Nullable String queue, MessageHandler handler) {
    Topics.requireValidTopic(topic);
    if (queue != null) {
      Topics.requireValidQueue(queue);
    }
    Objects.requireNonNull(handler, "handler");
    HttpSubscription s = new HttpSubscription(topic, queue, handler);
    synchronized (this) {
      checkOpen();
      startServer();
      subscriptions.computeIfAbsent(topic, t -> new ArrayList<>()).add(s);
      register();
    }
    return s;
  }

  private synchronized void unsubscribe(HttpSubscription s) {
    List<HttpSubscription> list = subscriptions.get(s.topic);
    if (list == null || !list.remove(s)) {
      return;
    }
    if (list.isEmpty()) {
      subscriptions.remove(s.topic);
    }
    if (closed) {
      return;
    }
    if (subscriptions.isEmpty()) {
      deregister();
    } else {
      register();
    }
  }

  /** Called with the lock held. */
  private void startServer() {
    if (server != null) {
      return;
    }
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress(config.host, config.port), 128);
      ThreadPoolExecutor threads =
          Threads.boundedPool(
              "vigil-http-broker-server", config.serverThreads, SERVER_QUEUE_CAPACITY);
      s.setExecutor(threads);
      s.createContext(PATH, this::serve);
      s.start();
      server = s;
      serverThreads = threads;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "http broker: cannot listen on " + config.host + ":" + config.port, e);
    }
    long every = config.registerInterval.toMillis();
    heartbeat = timer.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    log.info("http broker serving subscribers on {}", advertisedAddress());
  }

  private String advertisedAddress() {
    InetSocketAddress bound = Objects.requireNonNull(server).getAddress();
    String host = config.advertiseHost;
    if (host == null) {
      host = bound.getAddress().isAnyLocalAddress() ? localHost() : config.host;
    }
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + bound.getPort();
  }

  private static String localHost() {
    try {
      return InetAddress.getLocalHost().getHostAddress();
    } catch (IOException e) {
      return "127.0.0.1";
    }
  }

  /** Called with the lock held: (re-)registers this node with the current subscriptions. */
  private void register() {
    Map<String, Set<@Nullable String>> topics = new LinkedHashMap<>();
    subscriptions.forEach(
        (topic, list) -> {
          Set<@Nullable String> queues = new LinkedHashSet<>();
          list.forEach(s -> queues.add(s.queue));
          topics.put(topic, queues);
        });
    Node node = new Node(nodeId, advertisedAddress(), SubscriberNodes.metadata(topics));
    registry.register(service(node), config.registerTtl);
    registered = node;
  }

  /** Called with the lock held. */
  private void deregister() {
    if (registered != null) {
      Node node = registered;
      registered = null;
      try {
        registry.deregister(service(node));
      } catch (RuntimeException e) {
        log.warn(
            "http broker: cannot deregister {} from the registry: {}", node.id(), e.toString());
      }
    }
  }

  private Service service(Node node) {
    return new Service(config.serviceName, VERSION, Map.of(), List.of(), List.of(node));
  }

  private synchronized void renew() {
    if (closed || registered == null) {
      return;
    }
    try {
      registry.register(service(registered), config.registerTtl);
    } catch (RuntimeException e) {
      log.warn("http broker: heartbeat to the registry failed: {}", e.toString());
    }
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, "POST only");
        return;
      }
      String topic = exchange.getRequestURI().getRawPath().substring(PATH.length());
      String rawQuery = exchange.getRequestURI().getRawQuery();
      String queue =
          rawQuery != null && rawQuery.startsWith(QUEUE_PARAM)
              ? rawQuery.substring(QUEUE_PARAM.length())
              : null;
      try {
        Topics.requireValidTopic(topic);
        if (queue != null) {
          Topics.requireValidQueue(queue);
        }
      } catch (IllegalArgumentException e) {
        respond(exchange, 400, e.getMessage());
        return;
      }
      String length = exchange.getRequestHeaders().getFirst("Content-Length");
      if (length != null && parseLong(length) > config.maxBodyBytes) {
        respond(exchange, 413, "body over " + config.maxBodyBytes + " bytes");
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(config.maxBodyBytes + 1);
      }
      if (body.length > config.maxBodyBytes) {
        respond(exchange, 413, "body over " + config.maxBodyBytes + " bytes");
        return;
      }
      List<HttpSubscription> targets = localTargets(topic, queue);
      if (targets.isEmpty()) {
        exchange.getResponseHeaders().set(NOT_SUBSCRIBED_HEADER, "true");
        respond(exchange, 404, "no subscriber of " + topic + " here");
        return;
      }
      BrokerMessage message =
          new BrokerMessage(WireHeaders.read(exchange.getRequestHeaders().entrySet()), body);
      for (HttpSubscription s : targets) {
        try {
          s.handler.handle(topic, message);
          metrics.brokerDelivered(NAME, topic);
        } catch (Exception e) {
          int code = HandlerInvoker.isRejection(e) ? ((FrameworkException) e).code() : 500;
          log.debug("http broker: handler of {} failed", topic, e);
          respond(exchange, code, String.valueOf(e.getMessage()));
          return;
        }
      }
      exchange.sendResponseHeaders(204, -1);
    }
  }

  private synchronized List<HttpSubscription> localTargets(String topic, @Nullable String queue) {
    List<HttpSubscription> all = subscriptions.getOrDefault(topic, List.of());
    List<HttpSubscription> matching = new ArrayList<>();
    for (HttpSubscription s : all) {
      if (Objects.equals(s.queue, queue)) {
        matching.add(s);
      }
    }
    if (queue == null || matching.size() <= 1) {
      return matching;
    }
    String key = topic + '\0' + queue;
    int next = localCursors.getOrDefault(key, 0);
    localCursors.put(key, next + 1);
    return List.of(matching.get(Math.floorMod(next, matching.size())));
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void respond(HttpExchange exchange, int code, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(code, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private synchronized void checkOpen() {
    if (closed) {
      throw new IllegalStateException("http broker is closed");
    }
  }

  /**
   * Deregisters this node, stops the server, lets queued deliveries run for up to a second and
   * counts the rest as dropped ({@code closed}).
   */
  @Override
  public void close() {
    HttpServer s;
    ThreadPoolExecutor threads;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (heartbeat != null) {
        heartbeat.cancel(false);
      }
      deregister();
      subscriptions.clear();
      if (watch != null) {
        watch.close();
      }
      s = server;
      threads = serverThreads;
    }
    if (s != null) {
      s.stop(0);
      Threads.shutdown(Objects.requireNonNull(threads), CLOSE_GRACE_MILLIS);
    }
    for (Runnable abandoned : Threads.drain(senders, CLOSE_GRACE_MILLIS)) {
      drops.dropped(((Delivery) abandoned).topic, DropLog.CLOSED, null);
    }
    timer.shutdownNow();
    drops.flush();
  }

  private final class HttpSubscription implements Subscription {
    final String topic;
    final @Nullable String queue;
    final MessageHandler handler;

    HttpSubscription(String topic, @Nullable String queue, MessageHandler handler) {
      this.topic = topic;
      this.queue = queue;
      this.handler = handler;
    }

    @Override
    public String topic() {
      return topic;
    }

    @Override
    public @Nullable String queue() {
      return queue;
    }

    @Override
    public void unsubscribe() {
      HttpBroker.this.unsubscribe(this);
    }
  }

  /** Configuration of an {@link HttpBroker}; validated by {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private FrameworkMetrics metrics = new FrameworkMetrics();
    private @Nullable Registry registry;
    private String serviceName = DEFAULT_SERVICE_NAME;
    private String host = DEFAULT_HOST;
    private int port;
    private @Nullable String advertiseHost;
    private Duration registerTtl = DEFAULT_REGISTER_TTL;
    private Duration registerInterval = DEFAULT_REGISTER_INTERVAL;
    private Duration lookupTtl = DEFAULT_LOOKUP_TTL;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
    private int senders = DEFAULT_SENDERS;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int serverThreads = DEFAULT_SERVER_THREADS;
    private Duration dropReportInterval = DEFAULT_DROP_REPORT_INTERVAL;

    private Builder() {}

    /** Where to count messages; default: a new {@link FrameworkMetrics}. */
    public Builder metrics(FrameworkMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /** Where subscribers register and publishers look them up. Required. */
    public Builder registry(Registry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The registry service subscribers register under. Default {@value #DEFAULT_SERVICE_NAME}. */
    public Builder serviceName(String serviceName) {
      this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
      return this;
    }

    /** Interface the subscriber server listens on. Default {@value #DEFAULT_HOST}. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** Port of the subscriber server; 0 picks a free one. Default 0. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * Host registered for publishers to reach; default: the listen host, or this machine's address
     * when listening on every interface.
     */
    public Builder advertiseHost(String advertiseHost) {
      this.advertiseHost = Objects.requireNonNull(advertiseHost, "advertiseHost");
      return this;
    }

    /** How long the registry keeps the node without a heartbeat. Default 30 s. */
    public Builder registerTtl(Duration registerTtl) {
      this.registerTtl = Objects.requireNonNull(registerTtl, "registerTtl");
      return this;
    }

    /** Heartbeat period; must be shorter than the TTL. Default 10 s. */
    public Builder registerInterval(Duration registerInterval) {
      this.registerInterval = Objects.requireNonNull(registerInterval, "registerInterval");
      return this;
    }

    /** How long publishers reuse a registry lookup when no change was seen. Default 2 s. */
    public Builder lookupTtl(Duration lookupTtl) {
      this.lookupTtl = Objects.requireNonNull(lookupTtl, "lookupTtl");
      return this;
    }

    /** POSTs per delivery, the first included. Default 3. */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Pause before the first retry; doubles for each further one. Default 50 ms. */
    public Builder retryBackoff(Duration retryBackoff) {
      this.retryBackoff = Objects.requireNonNull(retryBackoff, "retryBackoff");
      return this;
    }

    /** Threads POSTing deliveries. Default 4. */
    public Builder senders(int senders) {
      this.senders = senders;
      return this;
    }

    /** Deliveries waiting for a sender; beyond this they are dropped. Default 1024. */
    public Builder queueCapacity(int queueCapacity) {
      this.queueCapacity = queueCapacity;
      return this;
    }

    /** Limit for opening a connection to a subscriber. Default 1 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
      return this;
    }

    /** Limit for a subscriber to answer, its handler included. Default 5 s. */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
      return this;
    }

    /** Largest message body the subscriber server accepts (413 beyond). Default 4 MiB. */
    public Builder maxBodyBytes(int maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /** Threads of the subscriber server running handlers. Default 4. */
    public Builder serverThreads(int serverThreads) {
      this.serverThreads = serverThreads;
      return this;
    }

    /** How often dropped messages are summarised in the log. Default 10 s. */
    public Builder dropReportInterval(Duration dropReportInterval) {
      this.dropReportInterval = Objects.requireNonNull(dropReportInterval, "dropReportInterval");
      return this;
    }

    public HttpBroker build() {
      if (registry == null) {
        throw new IllegalArgumentException("registry: null (expected: a Registry)");
      }
      Service.requireValidName(serviceName);
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
      }
      BrokerConfig.requirePositive("registerTtl", registerTtl);
      BrokerConfig.requirePositive("registerInterval", registerInterval);
      if (registerInterval.compareTo(registerTtl) >= 0) {
        throw new IllegalArgumentException(
            "registerInterval: "
                + registerInterval
                + " (expected: < registerTtl "
                + registerTtl
                + ")");
      }
      BrokerConfig.requireNonNegative("lookupTtl", lookupTtl);
      BrokerConfig.requirePositive("maxAttempts", maxAttempts);
      BrokerConfig.requireNonNegative("retryBackoff", retryBackoff);
      BrokerConfig.requirePositive("senders", senders);
      BrokerConfig.requirePositive("queueCapacity", queueCapacity);
      BrokerConfig.requirePositive("connectTimeout", connectTimeout);
      BrokerConfig.requirePositive("requestTimeout", requestTimeout);
      BrokerConfig.requirePositive("maxBodyBytes", maxBodyBytes);
      BrokerConfig.requirePositive("serverThreads", serverThreads);
      BrokerConfig.requirePositive("dropReportInterval", dropReportInterval);
      return new HttpBroker(this);
    }
  }
}
