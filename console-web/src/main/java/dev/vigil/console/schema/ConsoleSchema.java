package dev.vigil.console.schema;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Applies the console's own migrations: the registry, access-token and audit tables live in the
 * PostgreSQL schema {@value #SCHEMA}, migrated from {@code classpath:db/console} with their own
 * history table {@value #HISTORY_TABLE}, so they version independently of the collector's telemetry
 * schema (and of any other console feature that calls {@link #migrate(DataSource, String, String,
 * String)} with its own location and table).
 *
 * <p>Safe when several console replicas start at once: each migration run holds a PostgreSQL
 * advisory lock (keyed by the history table) for its whole duration, including the creation of the
 * schema and the history table, which Flyway's own lock does not cover.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConsoleSchema {
  public static final String SCHEMA = "console";
  public static final String LOCATION = "classpath:db/console";
  public static final String HISTORY_TABLE = "vigil_console_schema_history";

  private ConsoleSchema() {}

  /** Applies pending console migrations; throws if the database is unreachable. Idempotent. */
  public static void migrate(DataSource dataSource) {
    migrate(dataSource, SCHEMA, LOCATION, HISTORY_TABLE);
  }

  /**
   * Applies the migrations at {@code location} to {@code schema} (created if missing), recording
   * them in {@code historyTable} of that schema. A schema that already holds other tables is
   * baselined at version 0, so every migration of the location still runs.
   */
  public static void migrate(
      DataSource dataSource, String schema, String location, String historyTable) {
    requireNonNull(dataSource, "dataSource");
    try (Connection lock = dataSource.getConnection()) {
      advisory(lock, "SELECT pg_advisory_lock(hashtext(?))", historyTable);
      try {
        Flyway.configure()
            .dataSource(dataSource)
            .schemas(schema)
            .defaultSchema(schema)
            .createSchemas(true)
            .locations(location)
            .table(historyTable)
            .baselineOnMigrate(true)
            .baselineVersion("0")
            .load()
            .migrate();
      } finally {
        advisory(lock, "SELECT pg_advisory_unlock(hashtext(?))", historyTable);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot migrate " + location + ": " + e.getMessage(), e);
    }
  }

  private static void advisory(Connection connection, String sql, String key) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, key);
      statement.execute();
    }
  }
}
