package dev.vigil.console.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.console.access.AccessControl;
import dev.vigil.console.access.Scopes;
import dev.vigil.console.api.ApiError;
import dev.vigil.console.api.ApiException;
import dev.vigil.console.api.BadParameterException;
import dev.vigil.console.api.RequestParams;
import dev.vigil.console.audit.Actor;
import dev.vigil.console.audit.AuditLog;
import dev.vigil.console.config.ConfigModel.AppKey;
import dev.vigil.console.config.ConfigModel.AppState;
import dev.vigil.console.config.ConfigModel.Diff;
import dev.vigil.console.config.ConfigModel.Entry;
import dev.vigil.console.config.ConfigModel.Instance;
import dev.vigil.console.config.ConfigModel.Item;
import dev.vigil.console.config.ConfigModel.Release;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.eclipse.jetty.server.handler.HandlerWrapper;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The config center's HTTP API under {@value #PREFIX}: draft entries with ETag/If-Match
 * concurrency, typed validation, secrets encrypted at rest, numbered releases with diffs, rollback,
 * gray release, import/export, the instance view with Consul-style blocking queries, and the
 * listener view of which instance runs which release. Documented in {@code docs/api.md} and {@code
 * docs/config-center.md}.
 *
 * <p>Owns the {@link ConfigChangeFeed} (and so the {@code vigil_config} schema migrations) and the
 * small pools that render woken blocking queries and record which release each instance was served.
 * Thread-safe; {@link #close()} releases all of them.
 */
public final class ConfigApi implements AutoCloseable {
  public static final String PREFIX = "/api/v1/config";
  public static final String INDEX_HEADER = "X-Vigil-Index";
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
  public static final Duration MAX_WAIT = Duration.ofMinutes(5);
  public static final int MAX_VALUE_CHARS = InvalidValueException.MAX_VALUE_CHARS;
  public static final int MAX_COMMENT_CHARS = 1024;
  public static final int MAX_MESSAGE_CHARS = 1024;
  public static final int MAX_IMPORT_ENTRIES = 5000;
  public static final int MAX_GRAY_INSTANCES = 1000;
  public static final int DEFAULT_RELEASE_LIMIT = 50;
  public static final int MAX_RELEASE_LIMIT = 1000;
  static final String MASK = "******";
  static final int MAX_TRACKED_INSTANCES = 100_000;
  static final Duration SERVED_FLUSH_INTERVAL = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(ConfigApi.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final Pattern ENV = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  static final Pattern APP = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._:-]{0,255}");
  static final Pattern NODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,255}");
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,62}");
  private static final String ENV_EXPECTED = "lowercase letters, digits, '-' or '_', 1-63 chars";
  private static final String APP_EXPECTED = "letters, digits, '.', '-' or '_', 1-128 chars";
  private static final String KEY_EXPECTED = "letters, digits, '.', ':', '-' or '_', 1-256 chars";
  private static final String NODE_EXPECTED =
      "letters, digits, '.', ':', '@', '-' or '_', 1-256 chars (a node id, never an IP rule)";
  private static final Set<String> ENTRY_FIELDS = Set.of("value", "type", "comment", "secret");

  private final ConfigStore store;
  final ConfigChangeFeed feed;
  private final SecretCipher cipher;
  final AccessControl access;
  private final AuditLog audit;
  final ExecutorService renderers;
  final int maxWaiting;
  private final int renderThreads;
  private final ScheduledExecutorService recorder;
  private final AtomicInteger servedDrops = new AtomicInteger();
  private final Map<String, ConfigStore.Served> pendingServed = new ConcurrentHashMap<>();
  private final Map<AppKey, AppState> states = new ConcurrentHashMap<>();
  private final Map<String, Release> releases = new ConcurrentHashMap<>();
  private final Map<String, View> renderedViews = new ConcurrentHashMap<>();
  private final Map<String, ConfigStore.Served> lastServed = new ConcurrentHashMap<>();
  private volatile LongSupplier directAnswers = () -> 0;

  private ConfigApi(Builder b) {
    this.store = new ConfigStore(b.jdbi, this::committed);
    this.feed = new ConfigChangeFeed(b.dataSource, b.jdbi, store);
    this.cipher = b.cipher;
    this.access = b.access;
    this.audit = b.audit;
    this.maxWaiting = b.maxWaiting;
    this.renderThreads = b.renderThreads;
    if (b.metrics != null) {
      registerMetrics(b.metrics);
    }
    AtomicInteger n = new AtomicInteger();
    this.renderers =
        Executors.newFixedThreadPool(
            b.renderThreads,
            r -> {
              Thread t = new Thread(r, "vigil-config-watch-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.recorder =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vigil-config-served");
              t.setDaemon(true);
              return t;
            });
    long flushMs = SERVED_FLUSH_INTERVAL.toMillis();
    recorder.scheduleWithFixedDelay(this::flushServed, flushMs, flushMs, TimeUnit.MILLISECONDS);
  }

  /**
   * A config API over the database behind {@code dataSource}/{@code jdbi}, checking tokens with
   * {@code access} and recording changes in {@code audit}.
   */
  private void registerMetrics(PrometheusRegistry metrics) {
    GaugeWithCallback.builder()
        .name("vigil_console_config_watchers")
        .help("Blocking config queries held by this replica.")
        .callback(cb -> cb.call(feed.waiting()))
        .register(metrics);
    GaugeWithCallback.builder()
        .name("vigil_console_config_listening")
        .help("1 while this replica hears config changes (LISTEN connection up), else 0.")
        .callback(cb -> cb.call(feed.isListening() ? 1 : 0))
        .register(metrics);
    CounterWithCallback.builder()
        .name("vigil_console_config_notifications")
        .help("Config changes this replica heard of (from any replica).")
        .callback(cb -> cb.call(feed.notifications()))
        .register(metrics);
    CounterWithCallback.builder()
        .name("vigil_console_config_direct_answers")
        .help("Blocking config queries answered from Jetty, ahead of the per-request pipeline.")
        .callback(cb -> cb.call(directAnswers.getAsLong()))
        .register(metrics);
    CounterWithCallback.builder()
        .name("vigil_console_config_served_records_dropped")
        .help("Served-release records not written because too many were pending.")
        .callback(cb -> cb.call(servedDrops.get()))
        .register(metrics);
  }

  public static Builder builder(
      DataSource dataSource, Jdbi jdbi, AccessControl access, AuditLog audit) {
    return new Builder(dataSource, jdbi, access, audit);
  }

  /** The scope that lets a token read {@code env}'s config: {@code config:read:<env>}. */
  public static String readScope(String env) {
    return Scopes.configRead(env);
  }

  /** The scope that lets a token see {@code env}'s secret values: {@code config:secrets:<env>}. */
  public static String secretsScope(String env) {
    return "config:secrets:" + env;
  }

  /** Migrates the schema if the database answers, and starts listening for changes. */
  public ConfigApi start() {
    feed.start();
    return this;
  }

  /** Whether the config schema is migrated (the API answers 503 until it is). */
  public boolean isReady() {
    return feed.isMigrated();
  }

  /** Blocking queries waiting on this replica now. */
  public int waiting() {
    return feed.waiting();
  }

  /** Adds the routes and the config API's error bodies to {@code app}. */
  public void addRoutes(Javalin app) {
    app.before(PREFIX + "/*", this::requireReady);
    String base = PREFIX + "/{env}/{app}";
    app.get(base, this::instanceView);
    app.get(base + "/entries", this::listEntries);
    app.get(base + "/entries/{key}", this::getEntry);
    app.put(base + "/entries/{key}", this::putEntry);
    app.delete(base + "/entries/{key}", this::deleteEntry);
    app.post(base + "/releases", this::publish);
    app.get(base + "/releases", this::listReleases);
    app.get(base + "/releases/{n}", this::getRelease);
    app.post(base + "/releases/{n}/rollback", this::rollback);
    app.post(base + "/gray", this::startGray);
    app.get(base + "/gray", this::getGray);
    app.post(base + "/gray/promote", this::promote);
    app.post(base + "/gray/abandon", this::abandon);
    app.get(base + "/export", this::export);
    app.post(base + "/import", this::importEntries);
    app.get(base + "/instances", this::listInstances);
    app.post(base + "/instances/{nodeId}", this::reportInstance);
    app.exception(
        InvalidValueException.class,
        (e, ctx) -> {
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("error", e.getMessage());
          body.put("parameter", "value");
          body.put("key", e.key());
          body.put("type", e.type().wireName());
          body.put("line", e.line());
          body.put("column", e.column());
          ctx.status(400).json(body);
        });
  }

  /**
   * A Jetty handler to put in front of Javalin's servlet that answers well-formed blocking queries
   * of the instance view itself and passes every other request on (see {@link DirectWatchHandler}).
   *
   * @param consoleReady whether the console's guarded APIs answer
   * @param headers added to every answer, as the server's before-handlers add them to others
   * @param answered told each successful answer's duration in seconds, for the request metrics
   * @param failure the status and message an exception while answering becomes
   */
  public HandlerWrapper directWatches(
      BooleanSupplier consoleReady,
      Map<String, String> headers,
      DoubleConsumer answered,
      Function<Throwable, ApiException> failure) {
    DirectWatchHandler handler =
        new DirectWatchHandler(this, renderThreads, consoleReady, headers, answered, failure);
    directAnswers = handler::answers;
    return handler;
  }

  /** Whether a blocking query of {@code app} can wait on this replica's feed without a query. */
  boolean parkable(AppKey app) {
    return feed.isListening() && feed.knows(app) && feed.waiting() < maxWaiting;
  }

  static byte[] errorBody(String message) {
    try {
      return MAPPER.writeValueAsBytes(ApiError.of(message));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Answers every held blocking query now with the current config and stops holding new ones (they
   * are answered at once), so a stopping server need not wait for their timeouts.
   */
  public void answerWaiting() {
    feed.close();
  }

  @Override
  public void close() {
    feed.close();
    renderers.shutdownNow();
    recorder.shutdown();
    try {
      if (recorder.awaitTermination(2, TimeUnit.SECONDS)) {
        flushServed();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.debug("Could not record served releases at close: {}", e.toString());
    }
  }

  // --- instance view -------------------------------------------------------------------------

  private void instanceView(Context ctx) {
    AppKey app = app(ctx);
    access.require(ctx, readScope(app.env()));
    allowOnly(ctx, "instance", "labels", "index", "wait");
    String nodeId = optional(ctx, "instance");
    if (nodeId != null) {
      check("instance", nodeId, NODE, NODE_EXPECTED);
    }
    Map<String, String> labels = labels(ctx.queryParam("labels"));
    boolean secrets = holds(ctx, secretsScope(app.env()));
    String rawIndex = optional(ctx, "index");
    if (rawIndex == null) {
      AppState state = store.state(app);
      feed.advance(app, state.index());
      respondView(ctx, app, state, nodeId, labels, secrets);
      return;
    }
    long index = nonNegativeLong("index", rawIndex);
    Duration wait = waitParam(optional(ctx, "wait"));
    // While this replica listens and knows the app, its index is current to within one
    // notification. Otherwise (just started, LISTEN reconnecting, an app it has not seen) the
    // database decides, so a client that is behind is still answered at once.
    if (!feed.isListening() || !feed.knows(app)) {
      AppState now = store.state(app);
      feed.advance(app, now.index());
      if (now.index() > index) {
        respondView(ctx, app, now, nodeId, labels, secrets);
        return;
      }
    }
    if (feed.waiting() >= maxWaiting) {
      ctx.header("Retry-After", "2");
      throw new ApiException(
          503, "too many blocking queries on this replica (" + maxWaiting + "); retry shortly");
    }
    ctx.future(
        () ->
            feed.await(app, index, wait)
                .thenRunAsync(
                    () -> respondView(ctx, app, cachedState(app), nodeId, labels, secrets),
                    renderers));
  }

  AppState cachedState(AppKey app) {
    AppState cached = states.get(app);
    if (cached != null && cached.index() >= feed.index(app)) {
      return cached;
    }
    AppState fresh = store.state(app);
    states.merge(app, fresh, (a, b) -> a.index() >= b.index() ? a : b);
    return fresh;
  }

  private void respondView(
      Context ctx,
      AppKey app,
      AppState state,
      @Nullable String nodeId,
      Map<String, String> labels,
      boolean secrets) {
    View view = view(app, state, nodeId, labels, secrets);
    ctx.header(INDEX_HEADER, view.index()).contentType("application/json").result(view.body());
  }

  /**
   * What {@code nodeId} (or an anonymous reader when null) is served of {@code app} at {@code
   * state}, noting the release for the listener view.
   */
  View view(
      AppKey app,
      AppState state,
      @Nullable String nodeId,
      Map<String, String> labels,
      boolean secrets) {
    Integer number = state.current();
    boolean gray = false;
    if (state.gray() != null && nodeId != null) {
      Release grayRelease = cachedRelease(app, state.gray());
      Map<String, String> effective = labels.isEmpty() ? storedLabels(app, nodeId) : labels;
      if (grayRelease.selects(nodeId, effective)) {
        number = state.gray();
        gray = true;
      }
    }
    int release = number == null ? 0 : number;
    if (nodeId != null) {
      recordServed(app, nodeId, labels, release);
    }
    // Every instance on the same release gets the same bytes: render them once per change, unless
    // they hold decrypted secrets, which are not kept in memory longer than one answer.
    String cacheKey = app + "/" + state.index() + "/" + release + "/" + gray + "/" + secrets;
    View view = renderedViews.get(cacheKey);
    if (view == null) {
      boolean[] clearSecrets = {false};
      view =
          new View(
              Long.toString(state.index()),
              renderView(app, state, number, gray, secrets, clearSecrets));
      if (!clearSecrets[0]) {
        if (renderedViews.size() > 256) {
          renderedViews.clear();
        }
        renderedViews.put(cacheKey, view);
      }
    }
    return view;
  }

  /** One rendered answer of the instance view and its {@value #INDEX_HEADER}; shared, immutable. */
  record View(String index, byte[] body) {}

  private byte[] renderView(
      AppKey app,
      AppState state,
      @Nullable Integer number,
      boolean gray,
      boolean secrets,
      boolean[] clearSecrets) {
    Map<String, String> entries = new TreeMap<>();
    Map<String, String> types = new TreeMap<>();
    List<String> withheld = new ArrayList<>();
    if (number != null) {
      for (Map.Entry<String, Item> e : cachedRelease(app, number).content().entrySet()) {
        Item item = e.getValue();
        if (item.secret()) {
          if (!secrets) {
            withheld.add(e.getKey());
            continue;
          }
          clearSecrets[0] = true;
          entries.put(e.getKey(), decrypt(app, e.getKey(), requireNonNull(item.cipherBytes())));
        } else {
          entries.put(e.getKey(), item.value());
        }
        types.put(e.getKey(), item.type());
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("env", app.env());
    body.put("app", app.app());
    body.put("release", number == null ? 0 : number);
    body.put("gray", gray);
    body.put("index", state.index());
    body.put("entries", entries);
    body.put("types", types);
    if (!withheld.isEmpty()) {
      body.put("withheld", withheld);
    }
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The labels the instance last sent: to this replica (not yet written) or to any (stored). */
  private Map<String, String> storedLabels(AppKey app, String nodeId) {
    ConfigStore.Served seen = lastServed.get(app + "/" + nodeId);
    if (seen != null && !seen.labels().isEmpty()) {
      return seen.labels();
    }
    return store.labelsOf(app, nodeId);
  }

  private Release cachedRelease(AppKey app, int number) {
    String key = app + "/" + number;
    Release release = releases.get(key);
    if (release == null) {
      release =
          store
              .release(app, number)
              .orElseThrow(() -> new IllegalStateException("release " + key + " missing"));
      cacheRelease(key, release);
    }
    return release;
  }

  private void cacheRelease(String key, Release release) {
    // Content and gray selection never change; only the status does, which views read fresh.
    if (releases.size() > 1000) {
      releases.clear();
    }
    releases.put(key, release);
  }

  /**
   * Notes which release an instance was served. Written in batches every {@link
   * #SERVED_FLUSH_INTERVAL}, off the answer's path, so a publish answered to many instances at once
   * costs one statement rather than one per instance; only changes are written.
   */
  private void recordServed(AppKey app, String nodeId, Map<String, String> labels, int release) {
    String key = app + "/" + nodeId;
    if (lastServed.size() > MAX_TRACKED_INSTANCES) {
      lastServed.clear(); // only skips repeated writes; clearing costs one write per instance
    }
    ConfigStore.Served before = lastServed.get(key);
    Map<String, String> kept = labels.isEmpty() && before != null ? before.labels() : labels;
    ConfigStore.Served served = new ConfigStore.Served(app, nodeId, kept, release);
    if (served.equals(lastServed.put(key, served))) {
      return;
    }
    if (pendingServed.size() >= MAX_TRACKED_INSTANCES) {
      servedDrops.incrementAndGet();
      lastServed.remove(key);
      return;
    }
    pendingServed.put(key, served);
  }

  private void flushServed() {
    List<ConfigStore.Served> batch = new ArrayList<>();
    for (Iterator<Map.Entry<String, ConfigStore.Served>> it = pendingServed.entrySet().iterator();
        it.hasNext(); ) {
      batch.add(it.next().getValue());
      it.remove();
    }
    for (int from = 0; from < batch.size(); from += 1000) {
      List<ConfigStore.Served> part = batch.subList(from, Math.min(batch.size(), from + 1000));
      try {
        store.recordServed(part);
      } catch (RuntimeException e) {
        // Forget them as written so the next answer to each instance queues it again.
        part.forEach(s -> lastServed.remove(s.app() + "/" + s.nodeId()));
        log.debug("Could not record {} served releases: {}", part.size(), e.toString());
      }
    }
  }

  // --- entries -------------------------------------------------------------------------------

  private void listEntries(Context ctx) {
    AppKey app = app(ctx);
    access.require(ctx, readScope(app.env()));
    allowOnly(ctx);
    boolean secrets = holds(ctx, secretsScope(app.env()));
    AppState state = store.state(app);
    Map<String, Item> published =
        state.current() == null ? Map.of() : cachedRelease(app, state.current()).content();
    List<Map<String, Object>> out = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (Entry e : store.entries(app)) {
      seen.add(e.key());
      Map<String, Object> view = entryView(app, e, secrets);
      Item was = published.get(e.key());
      view.put("state", was == null ? "added" : was.equals(e.item()) ? "unchanged" : "modified");
      view.put("published", was == null ? null : itemView(app, e.key(), was, secrets));
      out.add(view);
    }
    for (Map.Entry<String, Item> p : published.entrySet()) {
      if (!seen.contains(p.getKey())) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("key", p.getKey());
        view.put("state", "deleted");
        view.put("published", itemView(app, p.getKey(), p.getValue(), secrets));
        out.add(view);
      }
    }
    out.sort((a, b) -> ((String) a.get("key")).compareTo((String) b.get("key")));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("env", app.env());
    body.put("app", app.app());
    body.put("release", state.current() == null ? 0 : state.current());
    body.put("grayRelease", state.gray());
    body.put("entries", out);
    ctx.json(body);
  }

  private void getEntry(Context ctx) {
    AppKey app = app(ctx);
    access.require(ctx, readScope(app.env()));
    allowOnly(ctx);
    String key = key(ctx);
    Entry e =
        store
            .entry(app, key)
            .orElseThrow(() -> new ApiException(404, "entry " + key + " not found in " + app));
    boolean secrets = holds(ctx, secretsScope(app.env()));
    ctx.header("ETag", etag(e.version())).json(entryView(app, e, secrets));
  }

  private void putEntry(Context ctx) {
    AppKey app = app(ctx);
    access.require(ctx, Scopes.CONFIG_EDIT);
    allowOnly(ctx);
    String key = key(ctx);
    JsonNode body = body(ctx);
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!ENTRY_FIELDS.contains(field)) {
        throw new BadParameterException(field, "(field)", "only value, type, comment, secret");
      }
    }
    ConfigStore.Write write = write(app, key, body);
    String ifMatch = ctx.header("If-Match");
    String by = access.authenticate(ctx).name();
    Entry saved;
    Function<Entry, Map<String, ?>> detail =
        e -> detail("version", e.version(), "type", e.type().wireName(), "secret", e.secret());
    if (ifMatch == null || ifMatch.isBlank()) {
      saved =
          store.create(app, key, write, by, audit(ctx, "config.entry.create", app, key, detail));
      ctx.status(201);
    } else {
      long expected = ifMatch(app, key, ifMatch);
      saved =
          store.update(
              app, key, expected, write, by, audit(ctx, "config.entry.update", app, key, detail));
    }
    ctx.header("ETag", etag(saved.version()))
        .json(entryView(app, saved, holds(ctx, secretsScope(app.env()))));
  }

  private void deleteEntry(Context ctx) {
    AppKey app = app(ctx);
    access.require(ctx, Scopes.CONFIG_EDIT);
    allowOnly(ctx);
    String key = key(ctx);
    String ifMatch = ctx.header("If-Match");
    if (ifMatch == null || ifMatch.isBlank()) {
      throw new ApiException(428, "deleting needs If-Match with the entry's version (its ETag)");
    }
    store.delete(
        app,
        key,
        ifMatch(app, key, ifMatch),
        audit(ctx, "config.entry.delete", app, key, e -> detail("version", e.version())));
    ctx.status(204);
  }

  private ConfigStore.Write write(AppKey app, String key, JsonNode body) {
    JsonNode valueNode = body.get("value");
    if (valueNode == null || valueNode.isNull()) {
      throw new BadParameterException("value", "", "a value (a string)");
    }
    String value = valueNode.isTextual() ? valueNode.asText() : valueNode.toString();
    if (value.length() > MAX_VALUE_CHARS) {
      throw new BadParameterException(
          "value", value.length() + " characters", "at most " + MAX_VALUE_CHARS + " characters");
    }
    String rawType = textField(body, "type", "text");
    ConfigType type = ConfigType.parse(rawType);
    if (type == null) {
      throw new BadParameterException("type", "\"" + rawType + "\"", ConfigType.EXPECTED);
    }
    String comment = textField(body, "comment", "");
    if (comment.length() > MAX_COMMENT_CHARS) {
      throw new BadParameterException(
          "comment", comment.length() + " characters", "at most " + MAX_COMMENT_CHARS);
    }
    JsonNode secretNode = body.get("secret");
    if (secretNode != null && !secretNode.isBoolean() && !secretNode.isNull()) {
      throw new BadParameterException("secret", secretNode.toString(), "true or false");
    }
    boolean secret = secretNode != null && secretNode.asBoolean();
    type.validate(key, value);
    if (secret) {
      if (!cipher.enabled()) {
        throw new ApiException(503, SecretCipher.NO_KEY_MESSAGE);
      }
      return new ConfigStore.Write(type, null, cipher.encrypt(value, aad(app, key)), true, comment);
    }
    return new ConfigStore.Write(type, value, null, false, comment);
  }

  private Map<String, Object> entryView(AppKey app, Entry e, boolean secrets) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("key", e.key());
    putValue(view, app, e.key(), e.secret(), e.value(), e.cipher(), secrets);
    view.put("type", e.type().wireName());
    view.put("comment", e.comment());
    view.put("secret", e.secret());
    view.put("version", e.version());
    view.put("updatedAtUnixNano", nanos(e.updatedAt()));
    view.put("updatedBy", e.updatedBy());
    return view;
  }

  private Map<String, Object> itemView(AppKey app, String key, Item item, boolean secrets) {
    Map<String, Object> view = new LinkedHashMap<>();
    putValue(view, app, key, item.secret(), item.value(), item.cipherBytes(), secrets);
    view.put("type", item.type());
    view.put("comment", item.comment());
    view.put("secret", item.secret());
    return view;
  }

  private void putValue(
      Map<String, Object> view,
      AppKey app,
      String key,
      boolean secret,
      @Nullable String value,
      byte @Nullable [] stored,
      boolean secrets) {
    if (!secret) {
      view.put("value", value);
    } else if (secrets && cipher.enabled()) {
      view.put("value", decrypt(app, key, requireNonNull(stored)));
    } else {
      view.put("value", MASK);
      view.put("masked", true);
    }
  }

  private String decrypt(AppKey app, String key, byte[] stored) {
    return cipher.decrypt(stored, aad(app, key));
  }

  private static String aad(AppKey app, String key) {
    return app.env() + "/" + app.app() + "/" + key;
  }

  // --- releases ------------------------------------------------------------------------------

  private void publish(Context ctx) {
    AppKey app = app(ctx);
    access.require(ctx, Scopes.CONFIG_PUBLISH);
    allowOnly(ctx);
    JsonNode body = optionalBody(ctx);
    onlyFields(body, Set.of("message"));
    String message = message(body);
    Release release =
        store.publish(
            app,
            message,
            access.authenticate(ctx).name(),
            null,
            null,
            audit(ctx, "config.publish", app, null, ConfigApi::releaseDetail));
    ctx.status(201).json(releaseView(app, release, true, holds(ctx, secretsScope(app.env()))));
  }

  private void listReleases(Context ctx) {
    AppKey app = app(ctx);
    access.require(ctx, readScope(app.env()));
    allowOnly(ctx, "limit", "before");
    int limit =
        intParam("limit", optional(ctx, "limit"), DEFAULT_RELEASE_LIMIT, 1, MAX_RELEASE_LIMIT);
    String rawBefore = optional(ctx, "before");
    Integer before =
        rawBefore == null ? null : intParam("before", rawBefore, 0, 1, Integer.MAX_VALUE);
    AppState state = store.state(app);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Release r : store.releases(app, before, limit)) {
      out.add(releaseView(app, r, false, false));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("env", app.env());
    body.put("app", app.app());
    body.put("current", state.current() == null ? 0 : state.current());
    body.put("grayRelease", state.gray());
    body.put("releases", out);
    ctx.json(body);
  }

  private void getRelease(Context ctx) {
    AppKey app = app(ctx);
    access.require(ctx, readScope(app.env()));
    allowOnly(ctx);
    int n = releaseNumber(ctx);
    Release r =
        store
            .release(app, n)
            .orElseThrow(() -> new ApiException(404, "release " + n + " of " + app + " not found"));
    ctx.json(releaseView(app, r, true, holds(ctx, secretsScope(app.env()))));
  }

  private void rollback(Context ctx) {
    AppKey app = app(ctx);
    access.require(ctx, Scopes.CONFIG_PUBLISH);
    allowOnly(ctx);
    int n = releaseNumber(ctx);
    JsonNode body = optionalBody(ctx);
    onlyFields(body, Set.of("message"));
    String message = message(body);
    Release release =
        store.rollback(
            app,
            n,
            message.isEmpty() ? "rollback to release " + n : message,
            access.authenticate(ctx).name(),
            audit(ctx, "config.rollback", app, null, r -> rollbackDetail(r, n)));
    ctx.status(201).json(releaseView(app, release, true, holds(ctx, secretsScope(app.env()))));
  }

  private void startGray(Context ctx) {
    AppKey app = app(ctx);
    access.require(ctx, Scopes.CONFIG_PUBLISH);
    allowOnly(ctx);
    JsonNode body = body(ctx);
    onlyFields(body, Set.of("message", "instances", "labels"));
    String message = message(body);
    List<String> instances = new ArrayList<>();
    JsonNode list = body.path("instances");
    if (!list.isMissingNode() && !list.isNull() && !list.isArray()) {
      throw new BadParameterException("instances", list.toString(), "an array of node ids");
    }
    for (JsonNode node : list) {
      if (!node.isTextual()) {
        throw new BadParameterException("instances", node.toString(), "node ids as strings");
      }
      check("instances", node.asText(), NODE, NODE_EXPECTED);
      instances.add(node.asText());
    }
    if (instances.size() > MAX_GRAY_INSTANCES) {
      throw new BadParameterException(
          "instances", instances.size() + " ids", "at most " + MAX_GRAY_INSTANCES);
    }
    Map<String, String> labels = new TreeMap<>();
    JsonNode labelNode = body.path("labels");
    if (!labelNode.isMissingNode() && !labelNode.isNull()) {
      if (!labelNode.isObject()) {
        throw new BadParameterException(
            "labels", labelNode.toString(), "an object of label values");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = labelNode.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        check("labels", e.getKey(), LABEL, "label names of " + LABEL.pattern());
        if (!e.getValue().isTextual()) {
          throw new BadParameterException(
              "labels." + e.getKey(), e.getValue().toString(), "a string");
        }
        labels.put(e.getKey(), e.getValue().asText());
      }
    }
    if (instances.isEmpty() && labels.isEmpty()) {
      throw new BadParameterException(
          "instances", "[]", "at least one node id in instances or one label in labels");
    }
    Release release =
        store.publish(
            app,
            message,
            access.authenticate(ctx).name(),
            instances,
            labels,
            audit(ctx, "config.gray.start", app, null, ConfigApi::releaseDetail));
    ctx.status(201).json(releaseView(app, release, true, holds(ctx, secretsScope(app.env()))));
  }

  private void getGray(Context ctx) {
    AppKey app = app(ctx);
    access.require(ctx, readScope(app.env()));
    allowOnly(ctx);
    Integer gray = store.state(app).gray();
    if (gray == null) {
      throw new ApiException(404, "no gray release is active for " + app);
    }
    Release r = store.release(app, gray).orElseThrow();
    ctx.json(releaseView(app, r, true, holds(ctx, secretsScope(app.env()))));
  }

  private void promote(Context ctx) {
    endGray(ctx, true);
  }

  private void abandon(Context ctx) {
    endGray(ctx, false);
  }

  private void endGray(Context ctx, boolean promote) {
    AppKey app = app(ctx);
    access.require(ctx, Scopes.CONFIG_PUBLISH);
    allowOnly(ctx);
    ConfigStore.AuditStep<Release> step =
        audit(
            ctx,
            promote ? "config.gray.promote" : "config.gray.abandon",
            app,
            null,
            ConfigApi::releaseDetail);
    Release release = promote ? store.promote(app, step) : store.abandon(app, step);
    ctx.json(releaseView(app, release, false, false));
  }

  /**
   * A change this replica made has committed: wake its own waiters now. The NOTIFY reaches this
   * replica too; advancing here skips that round trip and a re-read of the app's state.
   */
  private void committed(AppKey app, AppState state, @Nullable Release created) {
    if (created != null) {
      // Before the wake-up, so the first answer need not read the new release back.
      cacheRelease(app + "/" + created.number(), created);
    }
    states.merge(app, state, (a, b) -> a.index() >= b.index() ? a : b);
    feed.advance(app, state.index());
  }

  private Map<String, Object> releaseView(AppKey app, Release r, boolean details, boolean secrets) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("number", r.number());
    view.put("kind", r.kind());
    view.put("status", r.status());
    view.put("message", r.message());
    view.put("author", r.author());
    view.put("createdAtUnixNano", nanos(r.createdAt()));
    view.put("previous", r.previous());
    view.put("rollbackOf", r.rollbackOf());
    if (r.kind().equals("gray")) {
      view.put("grayInstances", r.grayInstances());
      view.put("grayLabels", r.grayLabels());
    }
    if (!details) {
      view.put("diff", r.diff());
      return view;
    }
    Map<String, Item> before =
        r.previous() == null ? Map.of() : cachedRelease(app, r.previous()).content();
    Diff diff = r.diff();
    List<Map<String, Object>> added = new ArrayList<>();
    for (String key : diff.added()) {
      Map<String, Object> v = itemView(app, key, r.content().get(key), secrets);
      v.put("key", key);
      added.add(v);
    }
    List<Map<String, Object>> changed = new ArrayList<>();
    for (String key : diff.changed()) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("key", key);
      v.put("old", itemView(app, key, before.get(key), secrets));
      v.put("new", itemView(app, key, r.content().get(key), secrets));
      changed.add(v);
    }
    List<Map<String, Object>> removed = new ArrayList<>();
    for (String key : diff.removed()) {
      Item was = before.get(key);
      Map<String, Object> v =
          was == null ? new LinkedHashMap<>() : itemView(app, key, was, secrets);
      v.put("key", key);
      removed.add(v);
    }
    view.put("diff", Map.of("added", added, "changed", changed, "removed", removed));
    Map<String, Object> entries = new TreeMap<>();
    r.content().forEach((key, item) -> entries.put(key, itemView(app, key, item, secrets)));
    view.put("entries", entries);
    return view;
  }

  private boolean holds(Context ctx, String scope) {
    return access.authenticate(ctx).has(scope);
  }

  /** An audit step recording {@code action} on {@code config/<env>/<app>[/<key>]}. */
  private <T> ConfigStore.AuditStep<T> audit(
      Context ctx,
      String action,
      AppKey app,
      @Nullable String key,
      Function<T, Map<String, ?>> detail) {
    Actor actor = Actor.of(ctx);
    String target = "config/" + app + (key == null ? "" : "/" + key);
    return (h, result) -> audit.record(h, actor, action, target, detail.apply(result));
  }

  private static Map<String, ?> rollbackDetail(Release r, int to) {
    Map<String, Object> d = new LinkedHashMap<>(releaseDetail(r));
    d.put("rollbackOf", to);
    return d;
  }

  private static Map<String, ?> releaseDetail(Release r) {
    return detail(
        "release", r.number(),
        "kind", r.kind(),
        "status", r.status(),
        "message", r.message(),
        "added", r.diff().added(),
        "changed", r.diff().changed(),
        "removed", r.diff().removed());
  }

  // --- import / export -----------------------------------------------------------------------

  private void export(Context ctx) {
    AppKey app = app(ctx);
    access.require(ctx, readScope(app.env()));
    allowOnly(ctx);
    boolean secrets = holds(ctx, secretsScope(app.env()));
    List<Map<String, Object>> out = new ArrayList<>();
    for (Entry e : store.entries(app)) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("key", e.key());
      if (!e.secret()) {
        v.put("value", e.value());
      } else if (secrets && cipher.enabled()) {
        v.put("value", decrypt(app, e.key(), requireNonNull(e.cipher())));
      } else {
        v.put("value", null);
      }
      v.put("type", e.type().wireName());
      v.put("comment", e.comment());
      v.put("secret", e.secret());
      out.add(v);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("env", app.env());
    body.put("app", app.app());
    body.put("entries", out);
    ctx.header(
            "Content-Disposition",
            "attachment; filename=\"" + app.env() + "-" + app.app() + ".json\"")
        .json(body);
  }

  private void importEntries(Context ctx) {
    AppKey app = app(ctx);
    access.require(ctx, Scopes.CONFIG_EDIT);
    allowOnly(ctx, "mode");
    String mode = optional(ctx, "mode");
    if (mode == null) {
      mode = "merge";
    }
    if (!mode.equals("merge") && !mode.equals("replace")) {
      throw new BadParameterException("mode", mode, "merge or replace");
    }
    JsonNode body = body(ctx);
    JsonNode list = body.path("entries");
    if (!list.isArray()) {
      throw new BadParameterException("entries", list.toString(), "an array of entries");
    }
    if (list.size() > MAX_IMPORT_ENTRIES) {
      throw new BadParameterException(
          "entries", list.size() + " entries", "at most " + MAX_IMPORT_ENTRIES);
    }
    Map<String, ConfigStore.Write> writes = new LinkedHashMap<>();
    for (JsonNode item : list) {
      if (!item.isObject()) {
        throw new BadParameterException("entries", item.toString(), "objects with key and value");
      }
      String key = item.path("key").asText("");
      check("key", key, KEY, KEY_EXPECTED);
      if (writes.containsKey(key)) {
        throw new BadParameterException("key", key, "each key once");
      }
      if (item.path("secret").asBoolean(false) && item.path("value").isNull()) {
        throw new BadParameterException(
            "value", "null", "the secret's value in clear (exports without secret access omit it)");
      }
      writes.put(key, write(app, key, item));
    }
    String importMode = mode;
    int count =
        store.importEntries(
            app,
            writes,
            mode.equals("replace"),
            access.authenticate(ctx).name(),
            audit(
                ctx,
                "config.import",
                app,
                null,
                n -> detail("mode", importMode, "entries", List.copyOf(writes.keySet()))));
    ctx.json(Map.of("imported", count, "mode", mode));
  }

  // --- listener view -------------------------------------------------------------------------

  private void reportInstance(Context ctx) {
    AppKey app = app(ctx);
    access.require(ctx, readScope(app.env()));
    allowOnly(ctx);
    String nodeId = ctx.pathParam("nodeId");
    check("nodeId", nodeId, NODE, NODE_EXPECTED);
    JsonNode body = body(ctx);
    onlyFields(body, Set.of("release", "labels"));
    JsonNode release = body.path("release");
    if (!release.canConvertToInt() || release.asInt() < 0 || !release.isIntegralNumber()) {
      throw new BadParameterException("release", release.toString(), "a release number >= 0");
    }
    Map<String, String> labels = new TreeMap<>();
    JsonNode labelNode = body.path("labels");
    if (!labelNode.isMissingNode() && !labelNode.isNull()) {
      if (!labelNode.isObject()) {
        throw new BadParameterException(
            "labels", labelNode.toString(), "an object of label values");
      }
      labelNode
          .fields()
          .forEachRemaining(
              e -> {
                check("labels", e.getKey(), LABEL, "label names of " + LABEL.pattern());
                labels.put(e.getKey(), e.getValue().asText());
              });
    }
    store.recordInstance(app, nodeId, labels, release.asInt(), true);
    ctx.status(204);
  }

  private void listInstances(Context ctx) {
    AppKey app = app(ctx);
    access.require(ctx, readScope(app.env()));
    allowOnly(ctx);
    List<Map<String, Object>> out = new ArrayList<>();
    Map<String, List<String>> byRelease = new TreeMap<>();
    for (Instance i : store.instances(app)) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("nodeId", i.nodeId());
      v.put("labels", i.labels());
      v.put("servedRelease", i.servedRelease());
      v.put("servedAtUnixNano", i.servedAt() == null ? null : nanos(i.servedAt()));
      v.put("appliedRelease", i.appliedRelease());
      v.put("appliedAtUnixNano", i.appliedAt() == null ? null : nanos(i.appliedAt()));
      out.add(v);
      Integer running = i.appliedRelease() != null ? i.appliedRelease() : i.servedRelease();
      if (running != null) {
        byRelease
            .computeIfAbsent(Integer.toString(running), k -> new ArrayList<>())
            .add(i.nodeId());
      }
    }
    AppState state = store.state(app);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("env", app.env());
    body.put("app", app.app());
    body.put("current", state.current() == null ? 0 : state.current());
    body.put("grayRelease", state.gray());
    body.put("instances", out);
    body.put("releases", byRelease);
    ctx.json(body);
  }

  // --- request parsing -----------------------------------------------------------------------

  private void requireReady(Context ctx) {
    if (!feed.isMigrated()) {
      throw new ApiException(
          503, "config center starting: its database schema is not migrated yet");
    }
  }

  private static AppKey app(Context ctx) {
    String env = ctx.pathParam("env");
    String app = ctx.pathParam("app");
    check("env", env, ENV, ENV_EXPECTED);
    check("app", app, APP, APP_EXPECTED);
    return new AppKey(env, app);
  }

  private static String key(Context ctx) {
    String key = ctx.pathParam("key");
    check("key", key, KEY, KEY_EXPECTED);
    return key;
  }

  private static int releaseNumber(Context ctx) {
    return intParam("n", ctx.pathParam("n"), 0, 1, Integer.MAX_VALUE);
  }

  private static void check(String name, String value, Pattern pattern, String expected) {
    if (!pattern.matcher(value).matches()) {
      throw new BadParameterException(name, abbreviate(value), expected);
    }
  }

  private static void allowOnly(Context ctx, String... names) {
    Set<String> allowed = Set.of(names);
    for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
      if (!allowed.contains(e.getKey())) {
        throw new BadParameterException(
            e.getKey(),
            abbreviate(String.join(",", e.getValue())),
            allowed.isEmpty() ? "no query parameters" : "one of " + String.join(", ", names));
      }
      if (e.getValue().size() > 1) {
        throw new BadParameterException(
            e.getKey(), String.join(",", e.getValue()), "a single value");
      }
    }
  }

  private static @Nullable String optional(Context ctx, String name) {
    String v = ctx.queryParam(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  static long nonNegativeLong(String name, String raw) {
    try {
      long v = Long.parseLong(raw);
      if (v >= 0) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw new BadParameterException(name, raw, "a whole number >= 0 (an X-Vigil-Index)");
  }

  private static int intParam(String name, @Nullable String raw, int dflt, int min, int max) {
    if (raw == null) {
      return dflt;
    }
    try {
      int v = Integer.parseInt(raw);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw new BadParameterException(name, raw, min + ".." + max);
  }

  static Duration waitParam(@Nullable String raw) {
    if (raw == null) {
      return DEFAULT_WAIT;
    }
    return RequestParams.waitDuration(raw, MAX_WAIT, "1ms..5m, e.g. 30s, 500ms or 2m");
  }

  static Map<String, String> labels(@Nullable String raw) {
    if (raw == null || raw.isBlank()) {
      return Map.of();
    }
    Map<String, String> labels = new TreeMap<>();
    for (String pair : raw.split(",")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new BadParameterException(
            "labels", abbreviate(raw), "name=value pairs separated by ','");
      }
      String name = pair.substring(0, eq).trim();
      String value = pair.substring(eq + 1).trim();
      check("labels", name, LABEL, "label names of " + LABEL.pattern());
      if (value.length() > 256) {
        throw new BadParameterException("labels", abbreviate(pair), "values of at most 256 chars");
      }
      labels.put(name, value);
    }
    return labels;
  }

  private long ifMatch(AppKey app, String key, String header) {
    String v = header.trim();
    if (v.equals("*")) {
      return store
          .entry(app, key)
          .map(Entry::version)
          .orElseThrow(
              () -> new ApiException(412, "entry " + key + " does not exist (If-Match: *)"));
    }
    if (v.startsWith("W/")) {
      v = v.substring(2);
    }
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      v = v.substring(1, v.length() - 1);
    }
    try {
      long version = Long.parseLong(v);
      if (version > 0) {
        return version;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw new BadParameterException(
        "If-Match", abbreviate(header), "the entry's ETag, e.g. \"42\"");
  }

  private static String etag(long version) {
    return "\"" + version + "\"";
  }

  private static JsonNode body(Context ctx) {
    String raw = ctx.body();
    if (raw.isBlank()) {
      throw new BadParameterException("body", "", "a JSON object");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(raw);
    } catch (IOException e) {
      throw new BadParameterException("body", abbreviate(raw), "a JSON object");
    }
    if (node == null || !node.isObject()) {
      throw new BadParameterException("body", abbreviate(raw), "a JSON object");
    }
    return node;
  }

  private static JsonNode optionalBody(Context ctx) {
    return ctx.body().isBlank() ? MAPPER.createObjectNode() : body(ctx);
  }

  private static void onlyFields(JsonNode body, Set<String> fields) {
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!fields.contains(field)) {
        throw new BadParameterException(
            field, "(field)", "only " + String.join(", ", new java.util.TreeSet<>(fields)));
      }
    }
  }

  private static String message(JsonNode body) {
    String message = textField(body, "message", "");
    if (message.length() > MAX_MESSAGE_CHARS) {
      throw new BadParameterException(
          "message", message.length() + " characters", "at most " + MAX_MESSAGE_CHARS);
    }
    return message;
  }

  private static String textField(JsonNode body, String name, String dflt) {
    JsonNode node = body.get(name);
    if (node == null || node.isNull()) {
      return dflt;
    }
    if (!node.isTextual()) {
      throw new BadParameterException(name, abbreviate(node.toString()), "a string");
    }
    return node.asText();
  }

  private static Map<String, Object> detail(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static String abbreviate(String value) {
    return value.length() <= 64 ? value : value.substring(0, 64) + "...";
  }

  /** Configures a {@link ConfigApi}. Not thread-safe. */
  public static final class Builder {
    public static final int DEFAULT_RENDER_THREADS = 4;
    public static final int DEFAULT_MAX_WAITING = 50_000;
    private final DataSource dataSource;
    private final Jdbi jdbi;
    private final AccessControl access;
    private final AuditLog audit;
    private SecretCipher cipher = SecretCipher.disabled();
    private int renderThreads = DEFAULT_RENDER_THREADS;
    private int maxWaiting = DEFAULT_MAX_WAITING;
    private @Nullable PrometheusRegistry metrics;

    private Builder(DataSource dataSource, Jdbi jdbi, AccessControl access, AuditLog audit) {
      this.dataSource = requireNonNull(dataSource, "dataSource");
      this.jdbi = requireNonNull(jdbi, "jdbi");
      this.access = requireNonNull(access, "access");
      this.audit = requireNonNull(audit, "audit");
    }

    /** Encrypts secret values; {@link SecretCipher#disabled()} (the default) refuses secrets. */
    public Builder cipher(SecretCipher cipher) {
      this.cipher = requireNonNull(cipher, "cipher");
      return this;
    }

    /** Threads answering woken blocking queries. */
    public Builder renderThreads(int renderThreads) {
      if (renderThreads < 1 || renderThreads > 64) {
        throw new IllegalArgumentException(
            "renderThreads: " + renderThreads + " (expected: 1..64)");
      }
      this.renderThreads = renderThreads;
      return this;
    }

    /** Where the config center's metrics ({@code vigil_console_config_*}) are registered. */
    public Builder metrics(PrometheusRegistry metrics) {
      this.metrics = requireNonNull(metrics, "metrics");
      return this;
    }

    /** Most blocking queries held at once on this replica; more are answered 503. */
    public Builder maxWaiting(int maxWaiting) {
      if (maxWaiting < 1) {
        throw new IllegalArgumentException("maxWaiting: " + maxWaiting + " (expected: > 0)");
      }
      this.maxWaiting = maxWaiting;
      return this;
    }

    public ConfigApi build() {
      return new ConfigApi(this);
    }
  }
}
