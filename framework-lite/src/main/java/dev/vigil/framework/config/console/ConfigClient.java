package dev.vigil.framework.config.console;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.framework.config.ConfigKeys;
import dev.vigil.framework.config.Settings;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one app's config for one environment from the Vigil console's config center and keeps it
 * current: a background thread holds a blocking query ({@code ?index=N&wait=...}) so a release
 * published in the console arrives within milliseconds, applies it, tells watchers which keys
 * changed (old and new value), writes it to a local cache file, and reports the applied release
 * back to the console's listener view.
 *
 * <p>Nothing here is a single point of failure: when the console is unreachable the client keeps
 * serving the last config it had; at start-up without a console it loads the cache file instead,
 * and converges once the console answers again. Failed requests back off exponentially with jitter,
 * from {@link #DEFAULT_INITIAL_BACKOFF} to {@link #DEFAULT_MAX_BACKOFF}, trying the next console
 * address each time.
 *
 * <pre>{@code
 * ConfigClient config = ConfigClient.builder()
 *     .address("http://console:8080").token(System.getenv("VIGIL_CONFIG_TOKEN"))
 *     .env("prod").app("orders").instance("orders-7f3a").label("zone", "eu-1")
 *     .cacheDir(Path.of("/var/cache/orders"))
 *     .start();
 * int pool = config.getInt("db.pool.size", 10);
 * config.watch("db.pool.size", change -> pool.resize(Integer.parseInt(change.newValue())));
 * }</pre>
 *
 * <p>Thread-safe. Getters read an immutable snapshot; watchers are called on the client's
 * background thread, one change at a time, in key order, and must not block for long.
 */
public final class ConfigClient implements AutoCloseable {
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(250);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(ConfigClient.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern DURATION = Pattern.compile("(-?[0-9]+)(ms|s|m|h|d)?");

  /** Where the config in use came from. */
  public enum Source {
    /** Nothing yet: the console has not answered and there was no cache file. */
    NONE,
    /** The cache file, because the console has not answered since start-up. */
    CACHE,
    /** The console. */
    CONSOLE
  }

  private final List<URI> addresses;
  private final @Nullable String token;
  private final String env;
  private final String app;
  private final String instance;
  private final Map<String, String> labels;
  private final @Nullable Path cacheFile;
  private final Duration wait;
  private final Duration startTimeout;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final HttpClient http;
  private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
  private final Thread loop;
  private volatile ConfigSnapshot snapshot;
  private volatile Source source = Source.NONE;
  private volatile boolean closed;
  private int addressIndex;
  private int reportedRelease = -1;

  private record Watcher(String key, boolean prefix, Consumer<ConfigChange> listener) {
    boolean matches(String k) {
      return prefix ? k.startsWith(key) : k.equals(key);
    }
  }

  private ConfigClient(Builder b) {
    this.addresses = List.copyOf(b.addresses);
    this.token = b.token;
    this.env = requireNonNull(b.env, "env");
    this.app = requireNonNull(b.app, "app");
    this.instance = requireNonNull(b.instance, "instance");
    this.labels = Map.copyOf(b.labels);
    this.cacheFile = b.cacheDir == null ? null : b.cacheDir.resolve(env + "__" + app + ".json");
    this.wait = b.wait;
    this.startTimeout = b.startTimeout;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(b.startTimeout)
            .build();
    this.snapshot = ConfigSnapshot.empty(env, app);
    this.loop = new Thread(this::run, "vigil-config-client-" + env + "-" + app);
    loop.setDaemon(true);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Setting: console URL(s), comma-separated for replicas, e.g. {@code http://console:8080}. */
  public static final String URL_KEY = "vigil.config.console.url";

  /** Setting: the bearer token. */
  public static final String TOKEN_KEY = "vigil.config.console.token";

  /** Setting: the environment, e.g. {@code prod}. */
  public static final String ENV_KEY = "vigil.config.env";

  /** Setting: the application; the service's name when not set. */
  public static final String APP_KEY = "vigil.config.app";

  /** Setting: directory of the cache file (optional). */
  public static final String CACHE_DIR_KEY = "vigil.config.cache-dir";

  /** Setting: the wait of each blocking query (optional, default 30s). */
  public static final String WAIT_KEY = "vigil.config.wait";

  /**
   * A builder configured from a service's settings, each key falling back to the environment
   * variable of the same name ({@code VIGIL_CONFIG_CONSOLE_URL}...): {@value #URL_KEY} and {@value
   * #ENV_KEY} are required, {@value #TOKEN_KEY}, {@value #APP_KEY} (default {@code serviceName}),
   * {@value #CACHE_DIR_KEY} and {@value #WAIT_KEY} optional. The caller adds the instance id and
   * labels.
   */
  public static Builder builder(Settings settings, String serviceName) {
    requireNonNull(settings, "settings");
    Builder b = new Builder();
    String urls = setting(settings, URL_KEY);
    if (urls == null) {
      throw settings.invalid(URL_KEY, "the console's URL, e.g. http://console:8080");
    }
    for (String url : urls.split(",")) {
      if (!url.isBlank()) {
        b.address(url.trim());
      }
    }
    String env = setting(settings, ENV_KEY);
    if (env == null) {
      throw settings.invalid(ENV_KEY, "the environment to read, e.g. prod");
    }
    b.env(env);
    String app = setting(settings, APP_KEY);
    b.app(app == null ? serviceName : app);
    b.token(setting(settings, TOKEN_KEY));
    String dir = setting(settings, CACHE_DIR_KEY);
    if (dir != null) {
      b.cacheDir(Path.of(dir));
    }
    String wait = setting(settings, WAIT_KEY);
    if (wait != null) {
      b.wait(settings.with(WAIT_KEY, wait).getPositiveDuration(WAIT_KEY, DEFAULT_WAIT));
    }
    return b;
  }

  private static @Nullable String setting(Settings settings, String key) {
    String value = settings.getStringOrNull(key);
    if (value == null) {
      value = System.getenv(ConfigKeys.envName(key));
    }
    return value == null || value.isBlank() ? null : value.trim();
  }

  // --- reading -------------------------------------------------------------------------------

  /** The value of {@code key}, or empty when the applied release has no such key. */
  public Optional<String> get(String key) {
    return Optional.ofNullable(snapshot.entries().get(requireNonNull(key, "key")));
  }

  public String getString(String key, String defaultValue) {
    return get(key).orElse(defaultValue);
  }

  /** The value as an int; throws {@link IllegalArgumentException} naming it if it is not one. */
  public int getInt(String key, int defaultValue) {
    return parse(key, "an int", Integer::parseInt, defaultValue);
  }

  public long getLong(String key, long defaultValue) {
    return parse(key, "a long", Long::parseLong, defaultValue);
  }

  public double getDouble(String key, double defaultValue) {
    return parse(key, "a double", Double::parseDouble, defaultValue);
  }

  /** {@code true} or {@code false} (any case); anything else throws. */
  public boolean getBoolean(String key, boolean defaultValue) {
    return parse(
        key,
        "true or false",
        v -> {
          String s = v.toLowerCase(Locale.ROOT);
          if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
          }
          throw new IllegalArgumentException(v);
        },
        defaultValue);
  }

  /**
   * A duration: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}, ISO-8601 ({@code
   * PT30S}), or a plain number of milliseconds.
   */
  public Duration getDuration(String key, Duration defaultValue) {
    return parse(
        key, "a duration such as 500ms, 30s, 5m or PT30S", ConfigClient::duration, defaultValue);
  }

  /** The value parsed as a JSON tree (for json entries), or empty when the key is absent. */
  public Optional<JsonNode> getJson(String key) {
    Optional<String> raw = get(key);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(MAPPER.readTree(raw.get()));
    } catch (IOException e) {
      throw new IllegalArgumentException(key + ": not JSON (expected: a JSON document)", e);
    }
  }

  /** Every entry of the applied release, in key order. */
  public Map<String, String> entries() {
    return snapshot.entries();
  }

  /** The applied release number; 0 before any release. */
  public int release() {
    return snapshot.release();
  }

  /** Where the config in use came from. */
  public Source source() {
    return source;
  }

  // --- watching ------------------------------------------------------------------------------

  /** Calls {@code listener} whenever {@code key} is added, changed or removed. */
  public ConfigSubscription watch(String key, Consumer<ConfigChange> listener) {
    return add(
        new Watcher(requireNonNull(key, "key"), false, requireNonNull(listener, "listener")));
  }

  /** Calls {@code listener} once per changed key starting with {@code prefix}. */
  public ConfigSubscription watchPrefix(String prefix, Consumer<ConfigChange> listener) {
    return add(
        new Watcher(requireNonNull(prefix, "prefix"), true, requireNonNull(listener, "listener")));
  }

  private ConfigSubscription add(Watcher watcher) {
    watchers.add(watcher);
    return () -> watchers.remove(watcher);
  }

  // --- lifecycle -----------------------------------------------------------------------------

  /**
   * Loads the config from the console, waiting at most the start timeout, or else from the cache
   * file, then keeps it current in the background. Never fails because the console is down.
   */
  ConfigClient begin() {
    boolean loaded = false;
    for (int i = 0; i < addresses.size() && !loaded && !closed; i++) {
      try {
        ConfigSnapshot fresh = fetch(0, null, startTimeout);
        apply(fresh);
        loaded = true;
      } catch (IOException | RuntimeException e) {
        log.warn("Config console {} unreachable at start: {}", current(), e.toString());
        rotate();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (!loaded) {
      loadCache();
    }
    loop.start();
    return this;
  }

  /** Stops the background loop. Idempotent. */
  @Override
  public void close() {
    closed = true;
    loop.interrupt();
    try {
      loop.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    long backoff = initialBackoff.toMillis();
    while (!closed) {
      try {
        ConfigSnapshot current = snapshot;
        // After a start from the cache the first request does not block: converge at once. Once
        // the console has answered, always block, also at index 0 (an app with no release yet),
        // so an unpublished app costs one held request per wait, not a busy loop.
        boolean block = source == Source.CONSOLE;
        long index = block ? current.index() : 0;
        // A held query is answered within wait (the console adds no jitter); past wait/16 more
        // plus one ordinary request's time the connection is taken for dead (a half-open socket,
        // a console that accepted and then hung) and the next address is tried.
        Duration timeout = block ? wait.plus(wait.dividedBy(16)).plus(startTimeout) : startTimeout;
        ConfigSnapshot fresh = fetch(index, block ? wait : null, timeout);
        apply(fresh);
        report();
        backoff = initialBackoff.toMillis();
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        if (closed) {
          return;
        }
        long sleep = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
        log.debug(
            "Config console {} failed, retrying in {} ms: {}", current(), sleep, e.toString());
        rotate();
        try {
          Thread.sleep(sleep);
        } catch (InterruptedException ie) {
          return;
        }
        backoff = Math.min(backoff * 2, maxBackoff.toMillis());
      }
    }
  }

  private ConfigSnapshot fetch(long index, @Nullable Duration blockFor, Duration timeout)
      throws IOException, InterruptedException {
    StringBuilder query = new StringBuilder("?instance=").append(enc(instance));
    if (!labels.isEmpty()) {
      List<String> pairs = new ArrayList<>();
      new TreeMap<>(labels).forEach((k, v) -> pairs.add(k + "=" + v));
      query.append("&labels=").append(enc(String.join(",", pairs)));
    }
    if (blockFor != null) {
      query
          .append("&index=")
          .append(index)
          .append("&wait=")
          .append(blockFor.toMillis())
          .append("ms");
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base().resolve(path("") + query)).timeout(timeout).GET();
    authorize(request);
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("HTTP " + response.statusCode() + ": " + abbreviate(response.body()));
    }
    JsonNode body = MAPPER.readTree(response.body());
    Map<String, String> entries = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = body.path("entries").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      entries.put(e.getKey(), e.getValue().asText());
    }
    long newIndex = response.headers().firstValue("X-Vigil-Index").map(Long::parseLong).orElse(0L);
    return new ConfigSnapshot(env, app, body.path("release").asInt(), newIndex, entries);
  }

  private void report() {
    int applied = snapshot.release();
    if (applied == reportedRelease || applied == 0) {
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("release", applied);
    body.put("labels", labels);
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(base().resolve(path("/instances/" + enc(instance))))
              .timeout(startTimeout)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(body)));
      authorize(request);
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 == 2) {
        reportedRelease = applied;
      } else {
        log.debug("Reporting release {} answered {}", applied, response.statusCode());
      }
    } catch (IOException e) {
      log.debug("Reporting release {} failed: {}", applied, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Swaps in {@code fresh}, writes the cache and tells watchers, if anything changed. */
  private synchronized void apply(ConfigSnapshot fresh) {
    ConfigSnapshot old = snapshot;
    boolean fromConsoleFirst = source != Source.CONSOLE;
    source = Source.CONSOLE;
    snapshot = fresh;
    boolean changed = !old.entries().equals(fresh.entries()) || old.release() != fresh.release();
    if (changed || fromConsoleFirst) {
      writeCache(fresh);
    }
    if (changed) {
      notifyWatchers(old.entries(), fresh.entries(), fresh.release());
    }
  }

  private void notifyWatchers(Map<String, String> before, Map<String, String> after, int release) {
    TreeSet<String> keys = new TreeSet<>(before.keySet());
    keys.addAll(after.keySet());
    for (String key : keys) {
      String was = before.get(key);
      String now = after.get(key);
      if (java.util.Objects.equals(was, now)) {
        continue;
      }
      ConfigChange change = new ConfigChange(key, was, now, release);
      for (Watcher w : watchers) {
        if (w.matches(key)) {
          try {
            w.listener().accept(change);
          } catch (RuntimeException e) {
            log.warn("Config watcher for {} failed on {}", w.key(), key, e);
          }
        }
      }
    }
  }

  private void loadCache() {
    Path file = cacheFile;
    if (file == null || !Files.isRegularFile(file)) {
      log.warn(
          "Config console unreachable and no cache file; starting with no config for {}/{}",
          env,
          app);
      return;
    }
    try {
      ConfigSnapshot cached = MAPPER.readValue(file.toFile(), ConfigSnapshot.class);
      if (!cached.env().equals(env) || !cached.app().equals(app)) {
        log.warn("Ignoring cache file {}: it holds {}/{}", file, cached.env(), cached.app());
        return;
      }
      snapshot = cached;
      source = Source.CACHE;
      log.warn(
          "Config console unreachable; running {}/{} release {} from cache file {}",
          env,
          app,
          cached.release(),
          file);
    } catch (IOException e) {
      log.warn("Cannot read config cache file {}: {}", file, e.toString());
    }
  }

  /** Writes to a temporary file and renames it over the old one, so a crash never leaves half. */
  private void writeCache(ConfigSnapshot s) {
    Path file = cacheFile;
    if (file == null) {
      return;
    }
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
      try {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
          // not a POSIX file system
        }
        Files.write(tmp, MAPPER.writeValueAsBytes(s));
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
      log.warn("Cannot write config cache file {}: {}", file, e.toString());
    }
  }

  private <T> T parse(String key, String expected, ParseFn<T> fn, T defaultValue) {
    Optional<String> raw = get(key);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      return fn.parse(raw.get().trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          key + ": '" + abbreviate(raw.get()) + "' (expected: " + expected + ")");
    }
  }

  @FunctionalInterface
  private interface ParseFn<T> {
    T parse(String raw);
  }

  static Duration duration(String raw) {
    if (raw.startsWith("P") || raw.startsWith("p")) {
      try {
        return Duration.parse(raw.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(raw, e);
      }
    }
    Matcher m = DURATION.matcher(raw.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(raw);
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    return switch (unit) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofMillis(n);
    };
  }

  private void authorize(HttpRequest.Builder request) {
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
  }

  private synchronized URI current() {
    return addresses.get(addressIndex);
  }

  private synchronized void rotate() {
    addressIndex = (addressIndex + 1) % addresses.size();
  }

  private URI base() {
    return current();
  }

  private String path(String suffix) {
    return "/api/v1/config/" + enc(env) + "/" + enc(app) + suffix;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  /** Configures a {@link ConfigClient}. Not thread-safe. */
  public static final class Builder {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,255}");
    private final List<URI> addresses = new ArrayList<>();
    private @Nullable String token;
    private @Nullable String env;
    private @Nullable String app;
    private @Nullable String instance;
    private final Map<String, String> labels = new TreeMap<>();
    private @Nullable Path cacheDir;
    private Duration wait = DEFAULT_WAIT;
    private Duration startTimeout = DEFAULT_START_TIMEOUT;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;

    private Builder() {}

    /** A console base address such as {@code http://console:8080}; add several for replicas. */
    public Builder address(String address) {
      URI uri = URI.create(requireNonNull(address, "address"));
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "address: " + address + " (expected: http://host:port or https://host:port)");
      }
      addresses.add(URI.create(uri.getScheme() + "://" + uri.getRawAuthority()));
      return this;
    }

    /**
     * The bearer token; it needs {@code config:read:<env>} and, for secrets, {@code
     * config:secrets:<env>}.
     */
    public Builder token(@Nullable String token) {
      this.token = token == null || token.isBlank() ? null : token;
      return this;
    }

    public Builder env(String env) {
      this.env = name("env", env);
      return this;
    }

    public Builder app(String app) {
      this.app = name("app", app);
      return this;
    }

    /** This instance's node id; gray releases select instances by it. */
    public Builder instance(String instance) {
      this.instance = name("instance", instance);
      return this;
    }

    /** A label gray releases may select this instance by, such as {@code zone=eu-1}. */
    public Builder label(String name, String value) {
      labels.put(name("label", name), requireNonNull(value, "value"));
      return this;
    }

    /** Where the cache file ({@code <env>__<app>.json}) lives; none when not set. */
    public Builder cacheDir(@Nullable Path cacheDir) {
      this.cacheDir = cacheDir;
      return this;
    }

    /** How long one blocking query may be held by the console. */
    public Builder wait(Duration wait) {
      if (wait.toMillis() < 1 || wait.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException("wait: " + wait + " (expected: 1ms..5m)");
      }
      this.wait = wait;
      return this;
    }

    /** How long {@link #start()} waits for the console before falling back to the cache file. */
    public Builder startTimeout(Duration startTimeout) {
      if (startTimeout.toMillis() < 1) {
        throw new IllegalArgumentException("startTimeout: " + startTimeout + " (expected: > 0)");
      }
      this.startTimeout = startTimeout;
      return this;
    }

    /** Back-off after a failed request: from {@code initial}, doubling up to {@code max}. */
    public Builder backoff(Duration initial, Duration max) {
      if (initial.toMillis() < 1 || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException(
            "backoff: " + initial + ".." + max + " (expected: 1ms <= initial <= max)");
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /** Validates the settings, loads the config (console, else cache file) and starts watching. */
    public ConfigClient start() {
      if (addresses.isEmpty()) {
        throw new IllegalStateException("address: none (expected: at least one console address)");
      }
      if (env == null || app == null || instance == null) {
        throw new IllegalStateException(
            "env, app and instance are required (missing: "
                + (env == null ? "env " : "")
                + (app == null ? "app " : "")
                + (instance == null ? "instance" : "").trim()
                + ")");
      }
      return new ConfigClient(this).begin();
    }

    private static String name(String what, String value) {
      requireNonNull(value, what);
      if (!NAME.matcher(value).matches()) {
        throw new IllegalArgumentException(
            what + ": '" + value + "' (expected: letters, digits, '.', ':', '@', '-', '_')");
      }
      return value;
    }
  }
}
