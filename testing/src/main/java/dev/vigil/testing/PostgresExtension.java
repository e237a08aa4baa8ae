package dev.vigil.testing;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Gives a test class a fresh PostgreSQL database on a real server, created with a random name
 * before the first test and dropped (after terminating its backends) after the last one.
 *
 * <p>Register it as a static field so every test of the class shares the database:
 *
 * <pre>{@code
 * @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();
 * }</pre>
 *
 * <p>The server is taken from the environment variable {@value #URL_ENV} (a JDBC URL of a database
 * the user may {@code CREATE DATABASE} from), defaulting to {@value #DEFAULT_URL}. Tests that need
 * the database to go away mid-run call {@link #refuseConnections()} and {@link
 * #allowConnections()}.
 *
 * <p>Thread-safe once started: the accessors only read fields set in {@code beforeAll}.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {
  public static final String URL_ENV = "VIGIL_TEST_DB_URL";
  public static final String DEFAULT_URL =
      "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String adminUrl;
  private @Nullable String databaseName;
  private @Nullable String jdbcUrl;

  public PostgresExtension() {
    String fromEnv = System.getenv(URL_ENV);
    this.adminUrl = fromEnv == null || fromEnv.isBlank() ? DEFAULT_URL : fromEnv;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws SQLException {
    String name =
        "vigil_test_"
            + context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT)
            + "_"
            + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);
    if (name.length() > 63) {
      name = "vigil_test_" + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);
    }
    admin("CREATE DATABASE " + name);
    databaseName = name;
    jdbcUrl = withDatabase(adminUrl, name);
  }

  @Override
  public void afterAll(ExtensionContext context) throws SQLException {
    String name = databaseName;
    if (name == null) {
      return;
    }
    admin("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true");
    terminateBackends(name);
    admin("DROP DATABASE IF EXISTS " + name);
    databaseName = null;
    jdbcUrl = null;
  }

  /** The JDBC URL of this run's database, including the user and other parameters. */
  public String jdbcUrl() {
    String url = jdbcUrl;
    if (url == null) {
      throw new IllegalStateException("PostgresExtension is not started; register it static");
    }
    return url;
  }

  /** The name of this run's database. */
  public String databaseName() {
    jdbcUrl();
    return databaseName;
  }

  /** An unpooled data source for this run's database. */
  public DataSource dataSource() {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(jdbcUrl());
    return dataSource;
  }

  /** Opens a new connection to this run's database; the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl());
  }

  /**
   * Makes the database unavailable as a crash would: new connections are refused and every open
   * connection is terminated.
   */
  public void refuseConnections() throws SQLException {
    admin("ALTER DATABASE " + databaseName() + " ALLOW_CONNECTIONS false");
    terminateBackends(databaseName());
  }

  /** Undoes {@link #refuseConnections()}. */
  public void allowConnections() throws SQLException {
    admin("ALTER DATABASE " + databaseName() + " ALLOW_CONNECTIONS true");
  }

  private void terminateBackends(String name) throws SQLException {
    try (Connection connection = DriverManager.getConnection(adminUrl);
        var statement =
            connection.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE datname = ? AND pid <> pg_backend_pid()")) {
      statement.setString(1, name);
      statement.execute();
    }
  }

  private void admin(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(adminUrl);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** Replaces the database path segment of a {@code jdbc:postgresql://host:port/db?params} URL. */
  static String withDatabase(String url, String database) {
    int schemeEnd = url.indexOf("//");
    int pathStart = url.indexOf('/', schemeEnd + 2);
    int queryStart = url.indexOf('?');
    String query = queryStart < 0 ? "" : url.substring(queryStart);
    String hostPart =
        pathStart < 0
            ? (queryStart < 0 ? url : url.substring(0, queryStart))
            : url.substring(0, pathStart);
    return hostPart + "/" + database + query;
  }
}
