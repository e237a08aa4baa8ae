package dev.vigil.collector.store;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import org.jspecify.annotations.Nullable;

/**
 * The store's unchecked exception: a database operation failed. {@link #kind()} says what the
 * failure means for the data, so that callers answer exactly: whether the transaction is known to
 * have rolled back, whether retrying it later can succeed, and whether its content is to blame.
 */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What a failed write means for its data. Every kind but {@link #COMMIT_UNKNOWN} rolled back. */
  public enum Kind {
    /**
     * The connection or the server is gone or out of resources (SQLSTATE classes 08, 53 and 58,
     * 57P01-57P03, a socket error, no pooled connection in time). Nothing was committed; retry
     * later.
     */
    UNAVAILABLE,
    /**
     * Rolled back for a reason a later retry can cure: the statement timeout or the write's
     * deadline struck (57014), a deadlock or serialization failure (class 40), or a day partition
     * was dropped under the write (23514, 42P01).
     */
    RETRYABLE,
    /** The database refused the data itself (classes 22, 23, 54): retrying will not help. */
    REJECTED,
    /** Any other error; rolled back. */
    FAILED,
    /**
     * The connection failed while COMMIT was in flight: the data may or may not be committed. The
     * one outcome a caller cannot know.
     */
    COMMIT_UNKNOWN
  }

  private final Kind kind;

  public StoreException(String message, Throwable cause) {
    this(kindOf(cause), message, cause);
  }

  public StoreException(Kind kind, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /**
   * Classifies any failure of a database call by the first SQLSTATE in its cause chain, or by the
   * connection or I/O exception in it.
   */
  public static Kind kindOf(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
      if (t instanceof StoreException store) {
        return store.kind;
      }
      if (t instanceof SQLTransientConnectionException
          || t instanceof SQLNonTransientConnectionException
          || t instanceof SQLRecoverableException
          || t instanceof IOException) {
        return Kind.UNAVAILABLE;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return kindOf(sql.getSQLState());
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return Kind.FAILED;
  }

  /** The first SQLSTATE in the cause chain of {@code failure}, or null. */
  static @Nullable String sqlState(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  static Kind kindOf(String sqlState) {
    if (sqlState.length() < 2) {
      return Kind.FAILED;
    }
    String sqlClass = sqlState.substring(0, 2);
    return switch (sqlClass) {
      case "08", "53", "58" -> Kind.UNAVAILABLE;
      case "40" -> Kind.RETRYABLE;
      case "22", "54" -> Kind.REJECTED;
      case "23" -> sqlState.equals("23514") ? Kind.RETRYABLE : Kind.REJECTED;
      case "57" ->
          switch (sqlState) {
            case "57P01", "57P02", "57P03" -> Kind.UNAVAILABLE;
            case "57014" -> Kind.RETRYABLE;
            default -> Kind.FAILED;
          };
      case "42" -> sqlState.equals("42P01") ? Kind.RETRYABLE : Kind.FAILED;
      default -> Kind.FAILED;
    };
  }
}
