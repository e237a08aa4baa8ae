package dev.vigil.console;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.collector.store.Store;
import dev.vigil.console.access.AccessControl;
import dev.vigil.console.access.Principal;
import dev.vigil.console.access.Scopes;
import dev.vigil.console.api.ApiError;
import dev.vigil.console.api.ApiException;
import dev.vigil.console.api.BadParameterException;
import dev.vigil.console.api.QueryApi;
import dev.vigil.console.config.ConfigApi;
import dev.vigil.console.config.SecretCipher;
import dev.vigil.console.registry.RegistryConfig;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.HandlerWrapper;
import org.jdbi.v3.core.ConnectionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's HTTP server: owns the Javalin instance serving the query API under {@code /api/v1},
 * bearer-token authentication of that API, the token-guarded registry, access and audit APIs (wired
 * by {@link ControlPlane}), and the operational endpoints {@code /health} (the process is up),
 * {@code /ready} (the database answers and migrations are done) and {@code /metrics} (Prometheus
 * text). It reads the {@link Store} it is given and never closes it.
 *
 * <p>Thread-safe. Start with {@link Builder#start()}, stop with {@link #close()}.
 */
public final class ConsoleServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConsoleServer.class);
  private static final String INSTANCE_VIEW_ROUTE = ConfigApi.PREFIX + "/{env}/{app}";

  private final Javalin app;
  private final ConsoleMetrics metrics = new ConsoleMetrics();
  private final List<PrometheusRegistry> registries;
  private final List<byte[]> tokens;
  private final Store store;
  private final ControlPlane controlPlane;
  private final ConfigApi configApi;

  private ConsoleServer(Builder b) {
    this.store = b.store;
    this.tokens = b.config.tokens().stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    List<PrometheusRegistry> all = new ArrayList<>();
    all.add(metrics.registry());
    all.addAll(b.registries);
    this.registries = List.copyOf(all);
    ObjectMapper mapper = new ObjectMapper();
    this.app =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              WebConsole.configure(config);
              config.jsonMapper(new JavalinJackson(mapper, false));
              config.jetty.defaultHost = b.config.host();
              config.jetty.defaultPort = b.config.port();
              long graceMillis = b.config.shutdownGrace().toMillis();
              config.jetty.modifyServer(
                  server -> {
                    server.setStopTimeout(graceMillis);
                    installDirectWatches(server);
                  });
              config.requestLogger.http(
                  (ctx, ms) ->
                      metrics.request(
                          route(ctx), ctx.method().name(), ctx.statusCode(), ms / 1000.0));
            });
    app.before(WebConsole::secureHeaders);
    this.controlPlane =
        ControlPlane.install(app, store, b.config, b.registryConfig, b.clock, metrics.registry());
    // After the control plane, whose first before-handler turns a session cookie into a principal.
    app.before(QueryApi.PREFIX + "/*", this::authenticate);
    new QueryApi(store.jdbi(), b.clock).addRoutes(app);
    // Config center: its own schema, change feed and routes under /api/v1/config.
    this.configApi =
        ConfigApi.builder(store.dataSource(), store.jdbi(), controlPlane.access, controlPlane.audit)
            .cipher(
                b.secretCipher != null
                    ? b.secretCipher
                    : SecretCipher.fromEnvironment(System.getenv()))
            .metrics(metrics.registry())
            .build();
    configApi.addRoutes(app);
    app.get("/health", ctx -> ctx.json(Map.of("status", "up")));
    app.get("/ready", this::ready);
    app.get("/metrics", this::scrape);
    app.exception(BadParameterException.class, (e, ctx) -> ctx.status(400).json(ApiError.of(e)));
    app.exception(
        ApiException.class, (e, ctx) -> ctx.status(e.status()).json(ApiError.of(e.getMessage())));
    // Javalin's own answers (no such route) get the same error body as everything else.
    app.exception(
        HttpResponseException.class,
        (e, ctx) -> ctx.status(e.getStatus()).json(ApiError.of(e.getMessage())));
    app.exception(
        Exception.class,
        (e, ctx) -> {
          if (isDatabaseUnavailable(e)) {
            log.warn("Database unavailable answering {}: {}", ctx.path(), e.toString());
            ctx.status(503).json(ApiError.of("database unavailable"));
          } else {
            log.error("Failed to answer {} {}", ctx.method(), ctx.path(), e);
            ctx.status(500).json(ApiError.of("internal error"));
          }
        });
  }

  /**
   * Puts the config center's blocking-query handler in front of Javalin's servlet context, behind
   * any handler wrapper Javalin's server already has, so Javalin attaches its context after it.
   */
  private void installDirectWatches(Server server) {
    HandlerWrapper watches =
        configApi.directWatches(
            controlPlane::isReady,
            WebConsole.SECURITY_HEADERS,
            metrics.requests(INSTANCE_VIEW_ROUTE, "GET", 200),
            this::failure);
    Handler current = server.getHandler();
    if (current instanceof HandlerWrapper wrapper && wrapper.getHandler() == null) {
      wrapper.setHandler(watches);
    } else {
      server.insertHandler(watches);
    }
  }

  /** The status and message a request failing with {@code e} is answered. */
  private ApiException failure(Throwable e) {
    if (e instanceof ApiException api) {
      return api;
    }
    if (isDatabaseUnavailable(e)) {
      log.warn("Database unavailable answering a blocking config query: {}", e.toString());
      return new ApiException(503, "database unavailable");
    }
    log.error("Failed to answer a blocking config query", e);
    return new ApiException(500, "internal error");
  }

  /**
   * Whether {@code e} means the database cannot be reached rather than a fault of the query: no
   * connection from the pool, or a connection refused or terminated by the server (SQLSTATE class
   * 08, or 57P: the server shutting down or terminating backends).
   */
  static boolean isDatabaseUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectionException || t instanceof SQLTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P")) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  public static Builder builder(Store store) {
    return new Builder(store);
  }

  /** The port the server listens on (the chosen one when configured with 0). */
  public int port() {
    return app.port();
  }

  /** Stops accepting requests and waits for the ones in flight. Idempotent. */
  @Override
  public void close() {
    controlPlane.drain();
    configApi.answerWaiting(); // held blocking queries would otherwise stall the graceful stop
    app.stop();
    configApi.close();
    controlPlane.close();
  }

  private void authenticate(Context ctx) {
    if (tokens.isEmpty()
        || AccessControl.isGuardedPath(ctx.path())
        || WebConsole.isSessionPath(ctx.path())) {
      return;
    }
    Principal signedIn = ctx.attribute(AccessControl.PRINCIPAL_ATTRIBUTE);
    if (signedIn != null && signedIn.has(Scopes.TELEMETRY_READ)) {
      return;
    }
    String header = ctx.header("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      byte[] presented = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
      for (byte[] token : tokens) {
        if (MessageDigest.isEqual(token, presented)) {
          return;
        }
      }
      if (controlPlane.allowsTelemetry(header.substring(7).trim())) {
        return;
      }
    }
    ctx.header("WWW-Authenticate", "Bearer realm=\"vigil\"");
    throw new ApiException(401, "missing or invalid bearer token");
  }

  private void ready(Context ctx) {
    boolean migrated = store.isMigrated() && controlPlane.isReady();
    boolean reachable = store.isReachable();
    boolean ready = migrated && reachable;
    ctx.status(ready ? 200 : 503)
        .json(
            Map.of(
                "status",
                ready ? "ready" : "not ready",
                "database",
                reachable ? "reachable" : "unreachable",
                "migrations",
                migrated ? "done" : "pending"));
  }

  private void scrape(Context ctx) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    for (PrometheusRegistry registry : registries) {
      writer.write(out, registry.scrape());
    }
    ctx.contentType(PrometheusTextFormatWriter.CONTENT_TYPE).result(out.toByteArray());
  }

  /**
   * The route template that answered, so metric labels stay few; requests ended before reaching an
   * endpoint (refused by authentication, or no route) are labelled by what they matched.
   */
  private static String route(Context ctx) {
    String path;
    try {
      path = ctx.endpointHandlerPath();
    } catch (IllegalStateException endedBeforeEndpoint) {
      path = ctx.matchedPath();
    }
    return path == null || path.isEmpty() || path.equals("*") ? "unmatched" : path;
  }

  /** Configures and starts a {@link ConsoleServer}. Not thread-safe. */
  public static final class Builder {
    private final Store store;
    private ConsoleConfig config = ConsoleConfig.builder().build();
    private Clock clock = Clock.systemUTC();
    private RegistryConfig registryConfig = RegistryConfig.builder().build();
    private final List<PrometheusRegistry> registries = new ArrayList<>();
    private @Nullable SecretCipher secretCipher;

    private Builder(Store store) {
      this.store = requireNonNull(store, "store");
    }

    public Builder config(ConsoleConfig config) {
      this.config = requireNonNull(config, "config");
      return this;
    }

    /** The clock default time windows end at; the system clock unless a test fixes it. */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** Settings of the service registry this console serves. */
    public Builder registry(RegistryConfig registryConfig) {
      this.registryConfig = requireNonNull(registryConfig, "registryConfig");
      return this;
    }

    /** Adds a registry whose metrics {@code /metrics} also exposes, e.g. the collector's. */
    public Builder metrics(PrometheusRegistry registry) {
      registries.add(requireNonNull(registry, "registry"));
      return this;
    }

    /**
     * The key config secrets are encrypted with; by default read from {@value SecretCipher#KEY_ENV}
     * or {@value SecretCipher#KEY_FILE_ENV}.
     */
    public Builder secretCipher(SecretCipher secretCipher) {
      this.secretCipher = requireNonNull(secretCipher, "secretCipher");
      return this;
    }

    /** Starts listening; throws if the port cannot be bound. */
    public ConsoleServer start() {
      ConsoleServer server = new ConsoleServer(this);
      server.configApi.start();
      server.app.start();
      log.info("Console listening on {}:{}", config.host(), server.port());
      return server;
    }
  }
}
