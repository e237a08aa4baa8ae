package dev.vigil.agent.instrumentation.jdbc;

import dev.vigil.agent.bootstrap.AttachedState;
import dev.vigil.agent.bootstrap.LiveSettings;
import dev.vigil.agent.bootstrap.Span;
import dev.vigil.agent.bootstrap.SpanKind;
import dev.vigil.agent.bootstrap.SqlSanitizer;
import dev.vigil.agent.bootstrap.Tracer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds JDBC CLIENT spans. Remembers prepared SQL per statement and parsed connection details per
 * physical connection in a field the agent added to the driver's class ({@link AttachedState}), or,
 * for classes loaded before the agent, in weak maps, so neither outlives its JDBC object. Reads
 * check the attached value's type, so a class that is both never confuses the two; both values
 * publish safely through their final fields without the plain field being volatile; a pool's proxy
 * connection is unwrapped to the driver's, which outlives it. What a span needs from a SQL text
 * (operation, sanitized text, span name) is worked out once per text. A statement executed inside
 * another traced statement (a pool's proxy delegating to the driver) is not traced again.
 * Thread-safe.
 */
public final class JdbcSupport {
  public static final String NAME = "jdbc";

  /** Most SQL texts whose parsed form is kept; later texts are parsed on every execution. */
  static final int MAX_CACHED_SQL = 1024;

  private static final ObjectState<SqlInfo> SQL = new ObjectState<>(SqlInfo.class);
  private static final ObjectState<DbInfo> DB = new ObjectState<>(DbInfo.class);
  private static final ConcurrentHashMap<String, SqlInfo> BY_TEXT = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, DbInfo> BY_URL = new ConcurrentHashMap<>();

  private JdbcSupport() {}

  public static void prepared(Object statement, String sql) {
    if (statement != null && sql != null && LiveSettings.enabled(NAME)) {
      SQL.put(statement, sqlInfo(sql));
    }
  }

  /** The parsed form of a SQL text, shared by every execution of the same text. */
  static SqlInfo sqlInfo(String sql) {
    SqlInfo info = BY_TEXT.get(sql);
    if (info == null) {
      info = new SqlInfo(SqlSanitizer.operation(sql), SqlSanitizer.sanitize(sql));
      if (BY_TEXT.size() < MAX_CACHED_SQL) {
        SqlInfo raced = BY_TEXT.putIfAbsent(sql, info);
        if (raced != null) {
          info = raced;
        }
      }
    }
    return info;
  }

  /**
   * Whether an execute call starts a span now: not when switched off, on the agent's own threads,
   * or inside another traced JDBC call. Advice asks this before {@link #start}, so that the branch
   * is profiled per instrumented method: the calls a pool's proxy makes to the driver always answer
   * no, and the JIT compiles them without the span code.
   */
  public static boolean traced() {
    if (!LiveSettings.enabled(NAME) || Tracer.isSuppressed()) {
      return false;
    }
    Span current = Tracer.current();
    return current == null || !NAME.equals(current.origin());
  }

  /** Starts and activates a span for a call that {@link #traced} admitted. */
  public static Span start(Statement statement, String sql) throws SQLException {
    SqlInfo q = sql != null ? sqlInfo(sql) : SQL.get(statement);
    if (q == null) {
      q = SqlInfo.UNKNOWN;
    }
    DbInfo db = info(statement.getConnection());
    Span span = Tracer.start(q.spanName(db), SpanKind.CLIENT, null, NAME);
    span.setAttribute("db.system", db.system);
    span.setAttribute("db.namespace", db.namespace);
    span.setAttribute("db.operation.name", q.operation);
    span.setAttribute("db.query.text", q.sanitized);
    span.setAttribute("server.address", db.host);
    if (db.port > 0) {
      span.setAttribute("server.port", db.port);
    }
    span.setMetricPeer(db.peer);
    Tracer.activate(span);
    return span;
  }

  public static void end(Span span, Throwable thrown) {
    Tracer.deactivate(span);
    if (thrown != null) {
      span.recordException(thrown);
      span.setAttribute("error.type", thrown.getClass().getName());
    }
    span.end();
  }

  private static DbInfo info(Connection connection) throws SQLException {
    if (connection == null) {
      return DbInfo.UNKNOWN;
    }
    // A pool hands out a new proxy per borrow: remember the driver's connection instead.
    connection = physical(connection);
    DbInfo info = DB.get(connection);
    if (info == null) {
      String url = connection.getMetaData().getURL();
      info = DbInfo.parse(url);
      if (info.namespace == null) {
        String catalog = connection.getCatalog();
        if (catalog != null && !catalog.isEmpty()) {
          info = new DbInfo(info.system, catalog, info.host, info.port);
        }
      }
      info = canonical(url, info);
      DB.put(connection, info);
    }
    return info;
  }

  /** One instance per database, so that {@link SqlInfo#spanName} finds its name again. */
  private static DbInfo canonical(String url, DbInfo info) {
    if (url == null) {
      return info;
    }
    String key = info.namespace == null ? url : url + " " + info.namespace;
    DbInfo known = BY_URL.get(key);
    if (known != null) {
      return known;
    }
    if (BY_URL.size() >= MAX_CACHED_SQL) {
      return info;
    }
    known = BY_URL.putIfAbsent(key, info);
    return known != null ? known : info;
  }

  private static Connection physical(Connection connection) {
    try {
      Connection c = connection.unwrap(Connection.class);
      return c != null ? c : connection;
    } catch (Throwable notAWrapper) {
      return connection;
    }
  }

  /**
   * What a span needs from one SQL text. Immutable but for the span name, which is kept for the
   * last database it was asked for (a text is almost always run against one database).
   */
  static final class SqlInfo {
    static final SqlInfo UNKNOWN = new SqlInfo(null, null);

    final String operation;
    final String sanitized;
    private volatile Named named;

    SqlInfo(String operation, String sanitized) {
      this.operation = operation;
      this.sanitized = sanitized;
    }

    /** {@code <OPERATION> <database>}, or what there is of it. */
    String spanName(DbInfo db) {
      Named n = named;
      if (n != null && n.db == db) {
        return n.name;
      }
      String name;
      if (operation == null) {
        name = db.namespace != null ? db.namespace : db.system;
      } else {
        name = db.namespace != null ? operation + " " + db.namespace : operation;
      }
      named = new Named(db, name);
      return name;
    }

    private static final class Named {
      final DbInfo db;
      final String name;

      Named(DbInfo db, String name) {
        this.db = db;
        this.name = name;
      }
    }
  }

  /** What a JDBC URL says about the database. Immutable. */
  static final class DbInfo {
    static final DbInfo UNKNOWN = new DbInfo("other_sql", null, null, -1);

    final String system;
    final String namespace;
    final String host;
    final int port;
    final String peer;

    DbInfo(String system, String namespace, String host, int port) {
      this.system = system;
      this.namespace = namespace;
      this.host = host;
      this.port = port;
      this.peer = host == null ? system : (port > 0 ? host + ":" + port : host);
    }

    /** Parses {@code jdbc:<sub>://host[:port]/database[?...]} and similar URLs. */
    static DbInfo parse(String url) {
      if (url == null || !url.startsWith("jdbc:")) {
        return UNKNOWN;
      }
      String rest = url.substring(5);
      int colon = rest.indexOf(':');
      if (colon < 0) {
        return UNKNOWN;
      }
      String sub = rest.substring(0, colon).toLowerCase(Locale.ROOT);
      String system = system(sub);
      String tail = rest.substring(colon + 1);
      int slashes = tail.indexOf("//");
      if (slashes < 0) {
        return new DbInfo(system, null, null, -1);
      }
      String authorityAndPath = tail.substring(slashes + 2);
      int end = indexOfAny(authorityAndPath, "/?;");
      String authority = end < 0 ? authorityAndPath : authorityAndPath.substring(0, end);
      int at = authority.lastIndexOf('@');
      if (at >= 0) {
        authority = authority.substring(at + 1);
      }
      int comma = authority.indexOf(',');
      if (comma >= 0) {
        authority = authority.substring(0, comma);
      }
      String host = authority;
      int port = -1;
      int portSep = authority.lastIndexOf(':');
      if (portSep > 0 && authority.indexOf(']') < portSep) {
        host = authority.substring(0, portSep);
        try {
          port = Integer.parseInt(authority.substring(portSep + 1));
        } catch (NumberFormatException e) {
          port = -1;
        }
      }
      String database = null;
      if (end >= 0 && authorityAndPath.charAt(end) == '/') {
        String path = authorityAndPath.substring(end + 1);
        int q = indexOfAny(path, "?;");
        database = q < 0 ? path : path.substring(0, q);
        if (database.isEmpty()) {
          database = null;
        }
      }
      return new DbInfo(system, database, host.isEmpty() ? null : host, port);
    }

    private static String system(String sub) {
      switch (sub) {
        case "postgresql":
        case "pgsql":
          return "postgresql";
        case "sqlserver":
        case "jtds":
          return "mssql";
        case "mysql":
        case "mariadb":
        case "h2":
        case "hsqldb":
        case "derby":
        case "sqlite":
        case "oracle":
        case "db2":
          return sub;
        default:
          return "other_sql";
      }
    }

    private static int indexOfAny(String s, String chars) {
      for (int i = 0; i < s.length(); i++) {
        if (chars.indexOf(s.charAt(i)) >= 0) {
          return i;
        }
      }
      return -1;
    }
  }
}
