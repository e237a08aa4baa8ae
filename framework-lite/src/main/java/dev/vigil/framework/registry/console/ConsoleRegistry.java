package dev.vigil.framework.registry.console;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.framework.config.ConfigKeys;
import dev.vigil.framework.config.Plugin;
import dev.vigil.framework.config.PluginKind;
import dev.vigil.framework.config.Settings;
import dev.vigil.framework.errors.FrameworkException;
import dev.vigil.framework.errors.TransportException;
import dev.vigil.framework.registry.Event;
import dev.vigil.framework.registry.Node;
import dev.vigil.framework.registry.Registry;
import dev.vigil.framework.registry.Service;
import dev.vigil.framework.registry.Watch;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code console} registry: the Vigil console's registry API as a framework-lite {@link
 * Registry}, built to keep a service working while the console is away.
 *
 * <ul>
 *   <li>{@link #register} is one {@code PUT .../services/{name}/nodes/{id}} per node with the TTL
 *       (a framework-lite server re-registers on an interval, which is the heartbeat); {@link
 *       #deregister} is a {@code DELETE}. Their failures reach the caller, who retries on its next
 *       heartbeat.
 *   <li>The first lookup or watch of a service starts a background loop of blocking queries ({@code
 *       ?index=N&wait=}{@link Builder#wait}) on a daemon thread, backing off from {@link
 *       Builder#minBackoff} to {@link Builder#maxBackoff} while the console fails. Each answer is
 *       diffed against the last into CREATE/UPDATE/DELETE events per version. Lookups of a tracked
 *       service are then answered from memory.
 *   <li>Lookups return only the nodes the console marks {@code selectable} (enabled, and healthy
 *       unless the service's protection threshold is active), with the console's weight as the
 *       {@link Node#WEIGHT} metadata the weighted strategy reads.
 *   <li>With a {@link Builder#cacheDirectory}, the last known nodes of every tracked service are
 *       written (atomically, after every change) to one JSON file per registry instance, named
 *       after {@link Builder#cacheName}. A registry started while the console is down answers from
 *       that file, and converges (with events) once the console answers again.
 * </ul>
 *
 * <p>Thread-safe. Events are delivered in order on one daemon thread owned by the registry; a
 * listener that throws is logged and kept.
 */
public final class ConsoleRegistry implements Registry {
  public static final String NAME = "console";
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_MIN_BACKOFF = Duration.ofMillis(250);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

  /** Setting: the console's URL, for example {@code http://console:8080} (required). */
  public static final String URL_KEY = "vigil.registry.console.url";

  /** Setting: the bearer token (required). */
  public static final String TOKEN_KEY = "vigil.registry.console.token";

  /** Setting: directory of the cache file (optional; memory only without it). */
  public static final String CACHE_DIR_KEY = "vigil.registry.console.cache-dir";

  /** Setting: the wait of each blocking query (optional, default 30s). */
  public static final String WAIT_KEY = "vigil.registry.console.wait";

  static final String ERROR_ID = "registry.console";
  static final String API = "/api/v1/registry/services";
  static final String INDEX_HEADER = "X-Vigil-Index";
  private static final Pattern CACHE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  private static final Logger log = LoggerFactory.getLogger(ConsoleRegistry.class);

  private final URI base;
  private final String authorization;
  private final Duration wait;
  private final Duration requestTimeout;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private final @Nullable Path cacheFile;
  private final HttpClient http;
  private final ExecutorService events;
  private final Map<String, Tracker> trackers = new ConcurrentHashMap<>();
  private final List<Consumer<Event>> allListeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean saveQueued = new AtomicBoolean();
  private final AtomicLong staleReads = new AtomicLong();
  private volatile @Nullable List<Service> lastList;
  private @Nullable Thread listLoop; // guarded by this
  private volatile boolean closed;

  private ConsoleRegistry(Builder b) {
    this.base = b.url;
    this.authorization = "Bearer " + b.token;
    this.wait = b.wait;
    this.requestTimeout = b.requestTimeout;
    this.minBackoff = b.minBackoff;
    this.maxBackoff = b.maxBackoff;
    this.cacheFile =
        b.cacheDirectory == null
            ? null
            : b.cacheDirectory.resolve("console-registry-" + b.cacheName() + ".json");
    this.http = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
    this.events =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "vigil-console-registry-events");
              t.setDaemon(true);
              return t;
            });
    loadCacheFile();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The {@value #NAME} registry plugin, chosen with {@code vigil.registry=console} once installed:
   *
   * <pre>{@code
   * Service.builder().installPlugin(ConsoleRegistry.plugin()).set("vigil.registry", "console")
   * }</pre>
   *
   * It reads {@value #URL_KEY}, {@value #TOKEN_KEY}, {@value #CACHE_DIR_KEY} and {@value #WAIT_KEY}
   * from the service's settings, or else from the environment variables of the same name ({@code
   * VIGIL_REGISTRY_CONSOLE_URL}...). The cache file is named after the service, so services sharing
   * a cache directory keep one file each.
   */
  public static Plugin<Registry> plugin() {
    return Plugin.of(
        PluginKind.REGISTRY,
        NAME,
        context -> {
          Settings settings = context.settings();
          Builder builder =
              builder()
                  .url(setting(settings, URL_KEY, "the console's URL, e.g. http://console:8080"))
                  .token(setting(settings, TOKEN_KEY, "a console API token"))
                  .cacheName(context.serviceName());
          String dir = optionalSetting(settings, CACHE_DIR_KEY);
          if (dir != null) {
            builder.cacheDirectory(Path.of(dir));
          }
          if (optionalSetting(settings, WAIT_KEY) != null) {
            builder.wait(
                settings
                    .with(WAIT_KEY, optionalSetting(settings, WAIT_KEY))
                    .getPositiveDuration(WAIT_KEY, DEFAULT_WAIT));
          }
          return builder.build();
        });
  }

  private static String setting(Settings settings, String key, String expected) {
    String value = optionalSetting(settings, key);
    if (value == null) {
      throw settings.invalid(key, expected);
    }
    return value;
  }

  private static @Nullable String optionalSetting(Settings settings, String key) {
    String value = settings.getStringOrNull(key);
    if (value == null) {
      value = System.getenv(ConfigKeys.envName(key));
    }
    return value == null || value.isBlank() ? null : value.trim();
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The file the last known nodes are kept in, or null without a cache directory. */
  public @Nullable Path cacheFile() {
    return cacheFile;
  }

  /** How many lookups were answered from memory or the cache file because the console failed. */
  public long staleReads() {
    return staleReads.get();
  }

  @Override
  public void register(Service service, Duration ttl) {
    requireNonNull(service, "service");
    for (Node node : service.nodes()) {
      byte[] body = ConsoleWire.registration(service, node, ttl);
      Answer answer = send("PUT", nodePath(service.name(), node.id()), body, requestTimeout);
      if (answer.status != 200 && answer.status != 201) {
        throw failure("register " + service.name() + "/" + node.id(), answer);
      }
    }
  }

  @Override
  public void deregister(Service service) {
    requireNonNull(service, "service");
    for (Node node : service.nodes()) {
      Answer answer = send("DELETE", nodePath(service.name(), node.id()), null, requestTimeout);
      if (answer.status != 204 && answer.status != 404) {
        throw failure("deregister " + service.name() + "/" + node.id(), answer);
      }
    }
  }

  @Override
  public List<Service> getService(String name) {
    Service.requireValidName(name);
    Tracker tracker = track(name);
    if (tracker.fromConsole()) {
      if (tracker.failing) {
        staleReads.incrementAndGet();
      }
      return tracker.versions();
    }
    try {
      tracker.refresh();
      return tracker.versions();
    } catch (FrameworkException e) {
      if (tracker.known()) {
        staleReads.incrementAndGet();
        return tracker.versions();
      }
      throw e;
    }
  }

  @Override
  public List<Service> listServices() {
    try {
      Answer answer = send("GET", API, null, requestTimeout);
      if (answer.status != 200) {
        throw failure("list services", answer);
      }
      List<Service> list = ConsoleWire.list(answer.json());
      lastList = list;
      queueSave();
      return list;
    } catch (FrameworkException e) {
      List<Service> known = lastList;
      if (known != null) {
        staleReads.incrementAndGet();
        return known;
      }
      throw e;
    }
  }

  @Override
  public Watch watch(@Nullable String service, Consumer<Event> listener) {
    requireNonNull(listener, "listener");
    if (closed) {
      throw FrameworkException.unavailable(ERROR_ID, "console registry is closed");
    }
    if (service == null) {
      allListeners.add(listener);
      startListLoop();
      return () -> allListeners.remove(listener);
    }
    Service.requireValidName(service);
    Tracker tracker = track(service);
    tracker.listeners.add(listener);
    return () -> tracker.listeners.remove(listener);
  }

  @Override
  public void close() {
    closed = true;
    List<Thread> threads = new ArrayList<>();
    for (Tracker t : trackers.values()) {
      Thread loop = t.loop;
      if (loop != null) {
        threads.add(loop);
      }
    }
    synchronized (this) {
      if (listLoop != null) {
        threads.add(listLoop);
      }
    }
    threads.forEach(Thread::interrupt);
    for (Thread t : threads) {
      try {
        t.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    events.shutdown();
    try {
      events.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The tracker of {@code name}, created and its blocking-query loop started on first use. */
  private Tracker track(String name) {
    Tracker tracker = trackers.computeIfAbsent(name, Tracker::new);
    tracker.startLoop();
    return tracker;
  }

  /** One service's last known versions, kept fresh by its own loop of blocking queries. */
  private final class Tracker {
    final String service;
    final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
    volatile @Nullable Thread loop;

    /** Whether the last query of this service's loop failed: lookups answer from memory. */
    volatile boolean failing;

    private long index; // guarded by this; the console index of versions, 0 before any answer
    private List<Service> versions = List.of(); // guarded by this
    private boolean known; // guarded by this: versions came from the console or the cache file
    private boolean fromConsole; // guarded by this

    Tracker(String service) {
      this.service = service;
    }

    synchronized List<Service> versions() {
      return versions;
    }

    synchronized boolean known() {
      return known;
    }

    synchronized boolean fromConsole() {
      return fromConsole;
    }

    synchronized long index() {
      return index;
    }

    synchronized void seed(List<Service> cached) {
      if (!known) {
        versions = cached;
        known = true;
      }
    }

    void startLoop() {
      if (loop != null || closed) {
        return;
      }
      synchronized (this) {
        if (loop != null) {
          return;
        }
        Thread t = new Thread(this::run, "vigil-console-registry-watch-" + service);
        t.setDaemon(true);
        loop = t;
        t.start();
      }
    }

    /** Reads the service now (no blocking) and applies the answer. */
    void refresh() {
      Answer answer = send("GET", servicePath(service), null, requestTimeout);
      apply(answer, 0);
    }

    /** Applies an answer to a query made with {@code askedIndex}; returns the answer's index. */
    long apply(Answer answer, long askedIndex) {
      if (answer.status != 200) {
        throw failure("read " + service, answer);
      }
      long newIndex = answer.index();
      List<Service> newVersions = ConsoleWire.versions(service, answer.json());
      synchronized (this) {
        // An older answer (a slower concurrent read) never replaces a newer one; a smaller index
        // than was asked for means the console's state was reset, and is taken as it is.
        if (fromConsole && newIndex < index && newIndex >= askedIndex) {
          return index;
        }
        List<Event> changes = ConsoleWire.diff(versions, newVersions, Instant.now());
        index = newIndex;
        versions = newVersions;
        known = true;
        fromConsole = true;
        if (!changes.isEmpty()) {
          // Queued under the lock, so events reach listeners in the order of the states.
          events.execute(() -> deliver(changes));
          queueSave();
        }
      }
      return newIndex;
    }

    private void deliver(List<Event> changes) {
      for (Event event : changes) {
        for (Consumer<Event> listener : listeners) {
          tell(listener, event);
        }
        for (Consumer<Event> listener : allListeners) {
          tell(listener, event);
        }
      }
    }

    private void run() {
      long asked = 0;
      long backoffMs = minBackoff.toMillis();
      while (!closed) {
        try {
          String path = servicePath(service);
          Duration timeout = requestTimeout;
          if (asked > 0) {
            path += "?index=" + asked + "&wait=" + wait.toMillis() + "ms";
            timeout = wait.plus(wait.dividedBy(16)).plus(requestTimeout);
          }
          long answered = apply(send("GET", path, null, timeout), asked);
          asked = answered < asked ? 0 : answered;
          if (failing) {
            log.info("console registry answers for {} again", service);
            failing = false;
          }
          backoffMs = minBackoff.toMillis();
        } catch (RuntimeException e) {
          if (closed) {
            break;
          }
          if (!failing) {
            log.warn(
                "console registry unreachable for {} ({}); serving the last known nodes",
                service,
                e.toString());
            failing = true;
          }
          if (!sleep(backoffMs)) {
            break;
          }
          backoffMs = Math.min(maxBackoff.toMillis(), backoffMs * 2);
        }
      }
    }
  }

  private synchronized void startListLoop() {
    if (listLoop != null || closed) {
      return;
    }
    Thread t = new Thread(this::runListLoop, "vigil-console-registry-watch-all");
    t.setDaemon(true);
    listLoop = t;
    t.start();
  }

  /** Watches the service list and refreshes every service whose index moved. */
  private void runListLoop() {
    long asked = 0;
    long backoffMs = minBackoff.toMillis();
    boolean failing = false;
    while (!closed) {
      try {
        String path = API;
        Duration timeout = requestTimeout;
        if (asked > 0) {
          path += "?index=" + asked + "&wait=" + wait.toMillis() + "ms";
          timeout = wait.plus(wait.dividedBy(16)).plus(requestTimeout);
        }
        Answer answer = send("GET", path, null, timeout);
        if (answer.status != 200) {
          throw failure("list services", answer);
        }
        JsonNode body = answer.json();
        lastList = ConsoleWire.list(body);
        Map<String, Long> indexes = ConsoleWire.listIndexes(body);
        for (Map.Entry<String, Long> e : indexes.entrySet()) {
          Tracker tracker = trackers.computeIfAbsent(e.getKey(), Tracker::new);
          if (!tracker.fromConsole() || tracker.index() < e.getValue()) {
            tracker.refresh();
          }
        }
        for (Iterator<Tracker> it = trackers.values().iterator(); it.hasNext(); ) {
          Tracker tracker = it.next();
          if (!indexes.containsKey(tracker.service) && !tracker.versions().isEmpty()) {
            tracker.refresh();
          }
        }
        long answered = answer.index();
        asked = answered < asked ? 0 : answered;
        if (failing) {
          log.info("console registry answers the service list again");
          failing = false;
        }
        backoffMs = minBackoff.toMillis();
      } catch (RuntimeException e) {
        if (closed) {
          break;
        }
        if (!failing) {
          log.warn("console registry unreachable for the service list ({})", e.toString());
          failing = true;
        }
        if (!sleep(backoffMs)) {
          break;
        }
        backoffMs = Math.min(maxBackoff.toMillis(), backoffMs * 2);
      }
    }
  }

  private static void tell(Consumer<Event> listener, Event event) {
    try {
      listener.accept(event);
    } catch (RuntimeException e) {
      log.warn("registry listener failed on {} {}", event.type(), event.service().name(), e);
    }
  }

  private static boolean sleep(long ms) {
    try {
      Thread.sleep(ms);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private record Answer(int status, String body, @Nullable String indexHeader) {
    JsonNode json() {
      try {
        return ConsoleWire.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new FrameworkException(ERROR_ID, 502, "console answered invalid JSON", e);
      }
    }

    long index() {
      try {
        return indexHeader == null ? 0 : Long.parseLong(indexHeader);
      } catch (NumberFormatException e) {
        throw new FrameworkException(ERROR_ID, 502, "console answered a bad " + INDEX_HEADER, e);
      }
    }
  }

  private Answer send(String method, String path, byte @Nullable [] body, Duration timeout) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(base.getPath() + path))
            .timeout(timeout)
            .header("Authorization", authorization)
            .header("Accept", "application/json");
    if (body != null) {
      request.header("Content-Type", "application/json");
      request.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Answer(
          response.statusCode(),
          response.body(),
          response.headers().firstValue(INDEX_HEADER).orElse(null));
    } catch (java.net.http.HttpTimeoutException e) {
      throw new TransportException(
          ERROR_ID, FrameworkException.TIMEOUT, "console did not answer in " + timeout, true, e);
    } catch (IOException e) {
      throw new TransportException(
          ERROR_ID, FrameworkException.UNAVAILABLE, "console unreachable: " + e, false, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransportException(
          ERROR_ID, FrameworkException.UNAVAILABLE, "interrupted", false, e);
    }
  }

  private static FrameworkException failure(String what, Answer answer) {
    String detail = answer.body;
    try {
      JsonNode error = ConsoleWire.MAPPER.readTree(answer.body).path("error");
      if (error.isTextual()) {
        detail = error.asText();
      }
    } catch (IOException ignored) {
      // the raw body is the detail
    }
    int code = answer.status >= 400 && answer.status < 600 ? answer.status : 502;
    return new FrameworkException(ERROR_ID, code, what + ": " + detail);
  }

  private static String servicePath(String service) {
    return API + "/" + encode(service);
  }

  private static String nodePath(String service, String nodeId) {
    return servicePath(service) + "/nodes/" + encode(nodeId);
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private void queueSave() {
    if (cacheFile != null && saveQueued.compareAndSet(false, true)) {
      try {
        events.execute(this::save);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        saveQueued.set(false); // closing
      }
    }
  }

  /** Writes every known service to the cache file: a temporary file, then an atomic rename. */
  private void save() {
    saveQueued.set(false);
    Path file = cacheFile;
    if (file == null) {
      return;
    }
    ObjectNode root = ConsoleWire.MAPPER.createObjectNode();
    root.put("console", base.toString());
    root.put("savedAtUnixMilli", System.currentTimeMillis());
    ObjectNode services = root.putObject("services");
    for (Tracker tracker : trackers.values()) {
      if (tracker.known()) {
        services.set(tracker.service, ConsoleWire.toJson(tracker.versions()));
      }
    }
    List<Service> list = lastList;
    if (list != null) {
      var names = root.putArray("list");
      for (Service s : list) {
        names.addObject().put("service", s.name()).put("version", s.version());
      }
    }
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
      try {
        Files.write(tmp, ConsoleWire.MAPPER.writeValueAsBytes(root));
        try {
          Files.move(
              tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      log.warn("cannot write the console registry cache {} ({})", file, e.toString());
    }
  }

  private void loadCacheFile() {
    Path file = cacheFile;
    if (file == null || !Files.isRegularFile(file)) {
      return;
    }
    try {
      JsonNode root = ConsoleWire.MAPPER.readTree(file.toFile());
      for (Iterator<Map.Entry<String, JsonNode>> it = root.path("services").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        Tracker tracker = trackers.computeIfAbsent(e.getKey(), Tracker::new);
        tracker.seed(ConsoleWire.fromJson(e.getKey(), e.getValue()));
      }
      if (root.has("list")) {
        List<Service> list = new ArrayList<>();
        for (JsonNode s : root.path("list")) {
          list.add(
              new Service(
                  s.path("service").asText(),
                  s.path("version").asText(""),
                  Map.of(),
                  List.of(),
                  List.of()));
        }
        lastList = List.copyOf(list);
      }
      log.info("console registry: read {} service(s) from {}", trackers.size(), file);
    } catch (IOException | RuntimeException e) {
      log.warn("ignoring unreadable console registry cache {} ({})", file, e.toString());
    }
  }

  /** Configures a {@link ConsoleRegistry}. Not thread-safe. */
  public static final class Builder {
    private @Nullable URI url;
    private @Nullable String token;
    private @Nullable Path cacheDirectory;
    private @Nullable String cacheName;
    private Duration wait = DEFAULT_WAIT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration minBackoff = DEFAULT_MIN_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;

    private Builder() {}

    /** The console, for example {@code http://console:8080} (a path prefix is kept). */
    public Builder url(String url) {
      requireNonNull(url, "url");
      URI uri;
      try {
        uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("url: \"" + url + "\" (expected: http(s)://host:port)");
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new IllegalArgumentException("url: \"" + url + "\" (expected: http(s)://host:port)");
      }
      this.url = uri;
      return this;
    }

    /** The bearer token; it needs {@code registry:read} and {@code registry:register:<service>}. */
    public Builder token(String token) {
      requireNonNull(token, "token");
      if (token.isBlank() || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException(
            "token: a token of " + token.length() + " characters (expected: printable ASCII)");
      }
      this.token = token;
      return this;
    }

    /** Where the last known nodes are kept across restarts; none when not set. */
    public Builder cacheDirectory(Path cacheDirectory) {
      this.cacheDirectory = requireNonNull(cacheDirectory, "cacheDirectory");
      return this;
    }

    /**
     * Names this instance's cache file ({@code console-registry-<name>.json}); defaults to the
     * console's host and port. Two instances sharing a directory and a console need distinct names.
     */
    public Builder cacheName(String cacheName) {
      requireNonNull(cacheName, "cacheName");
      if (!CACHE_NAME.matcher(cacheName).matches()) {
        throw new IllegalArgumentException(
            "cacheName: \"" + cacheName + "\" (expected: 1-100 of [A-Za-z0-9._-])");
      }
      this.cacheName = cacheName;
      return this;
    }

    /** How long one blocking query waits for a change; the console allows up to 5 minutes. */
    public Builder wait(Duration wait) {
      requireNonNull(wait, "wait");
      if (wait.toMillis() < 1 || wait.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException("wait: " + wait + " (expected: 1ms..5m)");
      }
      this.wait = wait;
      return this;
    }

    /** Bounds every other request, and connecting. */
    public Builder requestTimeout(Duration requestTimeout) {
      requireNonNull(requestTimeout, "requestTimeout");
      if (requestTimeout.toMillis() < 10 || requestTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(
            "requestTimeout: " + requestTimeout + " (expected: 10ms..1m)");
      }
      this.requestTimeout = requestTimeout;
      return this;
    }

    /** The first and the longest pause between failed queries; doubled after each failure. */
    public Builder backoff(Duration min, Duration max) {
      requireNonNull(min, "min");
      requireNonNull(max, "max");
      if (min.toMillis() < 1
          || max.compareTo(min) < 0
          || max.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException(
            "backoff: " + min + ".." + max + " (expected: 1ms <= min <= max <= 5m)");
      }
      this.minBackoff = min;
      this.maxBackoff = max;
      return this;
    }

    private String cacheName() {
      if (cacheName != null) {
        return cacheName;
      }
      URI u = requireNonNull(url, "url");
      int port =
          u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
      return (u.getHost() + "_" + port).replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The registry; it connects lazily, so the console need not be up. */
    public ConsoleRegistry build() {
      if (url == null) {
        throw new IllegalArgumentException("url: not set (expected: http(s)://host:port)");
      }
      if (token == null) {
        throw new IllegalArgumentException("token: not set (expected: a console API token)");
      }
      return new ConsoleRegistry(this);
    }
  }
}
