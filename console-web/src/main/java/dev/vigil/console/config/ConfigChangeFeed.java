package dev.vigil.console.config;

import static java.util.Objects.requireNonNull;

import dev.vigil.console.config.ConfigModel.AppKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One console replica's view of every app's change index, kept current by PostgreSQL {@code LISTEN
 * vigil_config}, and the blocking queries waiting for an index to move. Waiting costs a {@link
 * CompletableFuture}, not a thread: one feed thread listens and completes the futures.
 *
 * <p>The feed thread also migrates the {@code vigil_config} schema (own Flyway history table, under
 * a PostgreSQL advisory lock so replicas starting together take turns), reconnects with back-off
 * when the database goes away, and re-reads every index after (re)connecting and every {@link
 * #RESYNC_INTERVAL} so a notification lost during a reconnect delays a wake-up but never loses it.
 *
 * <p>Thread-safe.
 */
final class ConfigChangeFeed implements AutoCloseable {
  static final Duration RESYNC_INTERVAL = Duration.ofSeconds(30);
  static final String HISTORY_TABLE = "vigil_config_schema_history";
  static final String SCHEMA = "vigil_config";
  private static final long MIGRATION_LOCK = 0x7669_6769_6c63_6667L; // "vigilcfg"
  private static final Logger log = LoggerFactory.getLogger(ConfigChangeFeed.class);

  private final DataSource dataSource;
  private final ConfigStore store;
  private final Jdbi jdbi;
  private final Map<AppKey, Long> indexes = new ConcurrentHashMap<>();
  private final Map<AppKey, Set<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();
  private final Thread thread;
  private final AtomicLong notifications = new AtomicLong();
  private volatile boolean migrated;
  private volatile boolean listening;
  private volatile boolean closed;

  ConfigChangeFeed(DataSource dataSource, Jdbi jdbi, ConfigStore store) {
    this.dataSource = requireNonNull(dataSource, "dataSource");
    this.jdbi = requireNonNull(jdbi, "jdbi");
    this.store = requireNonNull(store, "store");
    this.thread = new Thread(this::run, "vigil-config-feed");
    thread.setDaemon(true);
  }

  /** Migrates now if the database answers (so a healthy start is ready at once), then listens. */
  void start() {
    try {
      migrate();
    } catch (RuntimeException | SQLException e) {
      log.warn("Config schema not migrated yet, retrying in the background: {}", e.toString());
    }
    thread.start();
  }

  boolean isMigrated() {
    return migrated;
  }

  /** The highest change index this replica has seen for {@code app}; 0 when none. */
  long index(AppKey app) {
    return indexes.getOrDefault(app, 0L);
  }

  /** Whether this replica has seen {@code app}'s index since it started listening. */
  boolean knows(AppKey app) {
    return indexes.containsKey(app);
  }

  /**
   * Completes when {@code app}'s index moves past {@code after} or {@code wait} ends, whichever is
   * first; at once if it already has.
   */
  CompletableFuture<Void> await(AppKey app, long after, Duration wait) {
    CompletableFuture<Void> waiter = new CompletableFuture<>();
    if (closed || index(app) > after) {
      waiter.complete(null);
      return waiter;
    }
    Set<CompletableFuture<Void>> set =
        waiters.computeIfAbsent(app, k -> ConcurrentHashMap.newKeySet());
    set.add(waiter);
    waiter.whenComplete((v, e) -> set.remove(waiter));
    // Checked again after registering so a move between the first check and add() is not missed.
    if (index(app) > after) {
      waiter.complete(null);
    } else {
      waiter.completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS);
    }
    return waiter;
  }

  /** Records that {@code app} reached {@code index} and wakes its waiters if that is news. */
  void advance(AppKey app, long index) {
    long[] before = {0};
    indexes.compute(
        app,
        (k, old) -> {
          before[0] = old == null ? 0 : old;
          return old == null ? index : Math.max(old, index);
        });
    if (index > before[0]) {
      Set<CompletableFuture<Void>> set = waiters.get(app);
      if (set != null) {
        for (CompletableFuture<Void> waiter : set) {
          waiter.complete(null);
        }
      }
    }
  }

  /** How many blocking queries are waiting now. */
  int waiting() {
    int n = 0;
    for (Set<CompletableFuture<Void>> set : waiters.values()) {
      n += set.size();
    }
    return n;
  }

  /** The notification payload of {@code app} up to its index. */
  static String payloadPrefix(AppKey app) {
    return app.env() + "\t" + app.app() + "\t";
  }

  private void run() {
    long backoffMs = 250;
    while (!closed) {
      try {
        if (!migrated) {
          migrate();
        }
        listen();
        backoffMs = 250;
      } catch (SQLException | RuntimeException e) {
        listening = false;
        if (closed) {
          return;
        }
        log.warn(
            "Config change feed lost the database, retrying in {} ms: {}", backoffMs, e.toString());
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException ie) {
          return;
        }
        backoffMs = Math.min(backoffMs * 2, 10_000);
      }
    }
  }

  private void listen() throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      try (Statement statement = connection.createStatement()) {
        statement.execute("LISTEN " + ConfigStore.CHANNEL);
      }
      PGConnection pg = connection.unwrap(PGConnection.class);
      listening = true;
      resync();
      long nextResync = System.nanoTime() + RESYNC_INTERVAL.toNanos();
      while (!closed) {
        PGNotification[] notifications = pg.getNotifications(1000);
        if (notifications != null) {
          for (PGNotification n : notifications) {
            handle(n.getParameter());
          }
        } else if (!connection.isValid(2)) {
          throw new SQLException("listening connection is no longer valid");
        }
        if (System.nanoTime() - nextResync > 0) {
          resync();
          nextResync = System.nanoTime() + RESYNC_INTERVAL.toNanos();
        }
      }
    }
  }

  /** Notifications heard since start. */
  long notifications() {
    return notifications.get();
  }

  private void handle(String payload) {
    notifications.incrementAndGet();
    String[] parts = payload.split("\t", -1);
    if (parts.length != 3) {
      log.warn("Ignoring malformed config notification '{}'", payload);
      return;
    }
    try {
      advance(new AppKey(parts[0], parts[1]), Long.parseLong(parts[2]));
    } catch (NumberFormatException e) {
      log.warn("Ignoring malformed config notification '{}'", payload);
    }
  }

  private void resync() {
    Map<AppKey, Long> all = jdbi.withHandle(store::indexes);
    all.forEach(this::advance);
  }

  /**
   * Applies the {@code vigil_config} migrations. The session advisory lock serialises replicas
   * starting at once, including creating the schema, which Flyway's own lock does not cover.
   */
  private synchronized void migrate() throws SQLException {
    if (migrated) {
      return;
    }
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      connection.setAutoCommit(true);
      statement.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK + ")");
      try {
        statement.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
        Flyway.configure()
            .dataSource(dataSource)
            .schemas(SCHEMA)
            .table(HISTORY_TABLE)
            .locations("classpath:db/config")
            .load()
            .migrate();
      } finally {
        statement.execute("SELECT pg_advisory_unlock(" + MIGRATION_LOCK + ")");
      }
    }
    migrated = true;
  }

  /** Stops listening and answers every waiting query at once. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    for (Set<CompletableFuture<Void>> set : waiters.values()) {
      for (CompletableFuture<Void> waiter : set) {
        waiter.complete(null);
      }
    }
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  boolean isListening() {
    return listening;
  }
}
