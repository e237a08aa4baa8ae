package dev.vigil.collector.store;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * The PostgreSQL database holding Vigil's telemetry: owns the connection pool, the {@link Jdbi}
 * instance the repositories share, and the Flyway migrations under {@code db/migration}.
 *
 * <p>Opening never fails because the database is down: the pool connects lazily, and {@link
 * #migrate()} can be retried until it succeeds. Migrations are safe to run from several collectors
 * at once (Flyway serialises them with a PostgreSQL advisory lock).
 *
 * <p>Thread-safe.
 */
public final class Store implements AutoCloseable {
  public static final int DEFAULT_POOL_SIZE = 8;
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(2);

  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private volatile boolean migrated;

  private Store(Builder builder) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(builder.jdbcUrl);
    config.setMaximumPoolSize(builder.poolSize);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(builder.connectionTimeout.toMillis());
    config.setValidationTimeout(Math.min(1000, builder.connectionTimeout.toMillis()));
    config.setInitializationFailTimeout(-1);
    config.setPoolName("vigil-store");
    // Every Vigil statement is a short index-driven read or a COPY. PostgreSQL's JIT, triggered by
    // cost estimates that partitioned tables and bound arrays inflate, spent 100-300 ms compiling
    // trace searches that then ran in about 1 ms.
    config.setConnectionInitSql("SET jit = off");
    this.dataSource = new HikariDataSource(config);
    this.jdbi = Jdbi.create(dataSource).installPlugin(new PostgresPlugin());
  }

  public static Builder builder(String jdbcUrl) {
    return new Builder(jdbcUrl);
  }

  /** Applies pending migrations; throws if the database is unreachable. Idempotent. */
  public void migrate() {
    Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    migrated = true;
  }

  /** Whether {@link #migrate()} has succeeded in this process. */
  public boolean isMigrated() {
    return migrated;
  }

  /**
   * Whether a connection can be obtained and answers a trivial query now. A pooled connection the
   * server closed since its last use fails once and is evicted, so a second attempt on a fresh
   * connection decides.
   */
  public boolean isReachable() {
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        return jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
      } catch (RuntimeException e) {
        // retried once below
      }
    }
    return false;
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  @Override
  public void close() {
    dataSource.close();
  }

  /** Configures a {@link Store}. Not thread-safe. */
  public static final class Builder {
    private final String jdbcUrl;
    private int poolSize = DEFAULT_POOL_SIZE;
    private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;

    private Builder(String jdbcUrl) {
      this.jdbcUrl = requireNonNull(jdbcUrl, "jdbcUrl");
      if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException(
            "jdbcUrl: " + jdbcUrl + " (expected: jdbc:postgresql://...)");
      }
    }

    public Builder poolSize(int poolSize) {
      if (poolSize < 1) {
        throw new IllegalArgumentException("poolSize: " + poolSize + " (expected: > 0)");
      }
      this.poolSize = poolSize;
      return this;
    }

    /** How long to wait for a connection before failing; bounds how long a dead database stalls. */
    public Builder connectionTimeout(Duration connectionTimeout) {
      if (connectionTimeout.toMillis() < 250) {
        throw new IllegalArgumentException(
            "connectionTimeout: " + connectionTimeout + " (expected: >= 250ms)");
      }
      this.connectionTimeout = connectionTimeout;
      return this;
    }

    public Store open() {
      return new Store(this);
    }
  }
}
