package dev.vigil.console;

import dev.vigil.collector.store.Store;
import dev.vigil.console.access.AccessApi;
import dev.vigil.console.access.AccessControl;
import dev.vigil.console.access.Scopes;
import dev.vigil.console.api.ApiException;
import dev.vigil.console.audit.AuditApi;
import dev.vigil.console.audit.AuditLog;
import dev.vigil.console.registry.RegistryApi;
import dev.vigil.console.registry.RegistryConfig;
import dev.vigil.console.registry.RegistryServer;
import dev.vigil.console.schema.ConsoleSchema;
import dev.vigil.console.users.ConsoleUsers;
import io.javalin.Javalin;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's token-guarded APIs and what they share: owns the console schema's migration, the
 * {@link AccessControl}, the {@link AuditLog} and this replica's {@link RegistryServer}, and
 * installs the access, audit and registry APIs on the server's Javalin instance. Kept apart from
 * {@link ConsoleServer} so each API is wired in one place.
 *
 * <p>The console starts even when the database is down: the migration is retried every {@link
 * #MIGRATION_RETRY} in the background, and until it succeeds the guarded APIs answer 503.
 *
 * <p>Thread-safe.
 */
final class ControlPlane implements AutoCloseable {
  static final Duration MIGRATION_RETRY = Duration.ofSeconds(2);
  private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

  final AccessControl access;
  final AuditLog audit;
  final RegistryServer registry;
  final ConsoleUsers users;
  private final Store store;
  private final ScheduledExecutorService migrator;
  private volatile boolean ready;
  private volatile boolean closed;

  private ControlPlane(
      Store store,
      ConsoleConfig config,
      RegistryConfig registryConfig,
      Clock clock,
      PrometheusRegistry metrics) {
    this.store = store;
    this.access =
        AccessControl.builder(store.jdbi()).clock(clock).adminTokens(config.tokens()).build();
    this.audit = new AuditLog(store.jdbi());
    this.registry =
        RegistryServer.create(store.jdbi(), store.dataSource(), audit, registryConfig, metrics);
    this.users =
        ConsoleUsers.builder(store.jdbi(), access, audit)
            .clock(clock)
            .adminPassword(config.adminPassword())
            .adminPasswordFile(config.adminPasswordFile())
            .build();
    this.migrator =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vigil-console-schema");
              t.setDaemon(true);
              return t;
            });
  }

  static ControlPlane install(
      Javalin app,
      Store store,
      ConsoleConfig config,
      RegistryConfig registryConfig,
      Clock clock,
      PrometheusRegistry metrics) {
    ControlPlane plane = new ControlPlane(store, config, registryConfig, clock, metrics);
    app.before(
        ctx -> {
          if (!plane.ready && AccessControl.isGuardedPath(ctx.path())) {
            ctx.header("Retry-After", Long.toString(MIGRATION_RETRY.toSeconds()));
            throw new ApiException(503, "console database not ready");
          }
        });
    plane.users.addRoutes(app);
    new AccessApi(plane.access, plane.audit).addRoutes(app);
    new AuditApi(plane.access, plane.audit).addRoutes(app);
    new RegistryApi(plane.registry, plane.access).addRoutes(app);
    if (!plane.prepare()) {
      plane.migrator.scheduleWithFixedDelay(
          () -> {
            if (plane.prepare()) {
              plane.migrator.shutdown();
            }
          },
          MIGRATION_RETRY.toMillis(),
          MIGRATION_RETRY.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    return plane;
  }

  /** Whether the console schema is migrated and the guarded APIs answer. */
  boolean isReady() {
    return ready;
  }

  private synchronized boolean prepare() {
    if (ready || closed) {
      return true;
    }
    try {
      ConsoleSchema.migrate(store.dataSource());
      access.seedAdminTokens();
      users.prepare(store.dataSource());
    } catch (RuntimeException e) {
      log.warn("Console schema not ready ({}); retrying every {}", e.getMessage(), MIGRATION_RETRY);
      return false;
    }
    registry.start();
    ready = true;
    return true;
  }

  /**
   * Whether {@code token} is an access token holding {@link Scopes#TELEMETRY_READ}, which the
   * telemetry query API accepts besides its configured tokens.
   */
  boolean allowsTelemetry(String token) {
    return ready && access.lookup(token).map(p -> p.has(Scopes.TELEMETRY_READ)).orElse(false);
  }

  /** Answers every held blocking query now, before the server stops taking requests. */
  void drain() {
    registry.drain();
  }

  @Override
  public synchronized void close() {
    closed = true;
    migrator.shutdownNow();
    registry.close();
  }
}
