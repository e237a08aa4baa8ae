package dev.vigil.console.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jspecify.annotations.Nullable;

/**
 * The console's append-only audit log (table {@code console.audit}; PostgreSQL refuses updates and
 * deletes of its rows): who did what to which target, when and from where.
 *
 * <p>Record a change in the same transaction as the change itself, so one is never kept without the
 * other:
 *
 * <pre>{@code
 * jdbi.useTransaction(h -> {
 *   ... change ...
 *   audit.record(h, Actor.of(ctx), "config.publish", "config/prod/orders", Map.of("release", 7));
 * });
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class AuditLog {
  public static final int MAX_LIMIT = 1000;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Jdbi jdbi;

  public AuditLog(Jdbi jdbi) {
    this.jdbi = requireNonNull(jdbi, "jdbi");
  }

  /** Records an entry in its own transaction. */
  public void record(Actor actor, String action, String target, Map<String, ?> details) {
    jdbi.useHandle(h -> record(h, actor, action, target, details));
  }

  /** Records an entry within the caller's transaction on {@code handle}. */
  public void record(
      Handle handle, Actor actor, String action, String target, Map<String, ?> details) {
    requireNonNull(actor, "actor");
    requireNonNull(action, "action");
    requireNonNull(target, "target");
    handle
        .createUpdate(
            "INSERT INTO console.audit"
                + " (actor, action, target, details, remote_address, forwarded_for)"
                + " VALUES (:actor, :action, :target, CAST(:details AS jsonb), :remote, :forwarded)")
        .bind("actor", actor.name())
        .bind("action", action)
        .bind("target", target)
        .bind("details", json(details))
        .bind("remote", actor.remoteAddress())
        .bind("forwarded", actor.forwardedFor())
        .execute();
  }

  /** Entries matching {@code filter}, newest first. */
  public List<AuditEntry> search(Filter filter) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT id, at, actor, action, target, details::text AS details, remote_address,"
                + " forwarded_for FROM console.audit WHERE true");
    if (filter.actor() != null) {
      sql.append(" AND actor = :actor");
    }
    if (filter.action() != null) {
      sql.append(
          filter.action().endsWith("*")
              ? " AND starts_with(action, :action)"
              : " AND action = :action");
    }
    if (filter.target() != null) {
      sql.append(
          filter.target().endsWith("*")
              ? " AND starts_with(target, :target)"
              : " AND target = :target");
    }
    if (filter.start() != null) {
      sql.append(" AND at >= :start");
    }
    if (filter.end() != null) {
      sql.append(" AND at < :end");
    }
    if (filter.beforeId() != null) {
      sql.append(" AND id < :before");
    }
    sql.append(" ORDER BY id DESC LIMIT :limit");
    return jdbi.withHandle(
        h -> {
          Query q = h.createQuery(sql.toString());
          if (filter.actor() != null) {
            q.bind("actor", filter.actor());
          }
          if (filter.action() != null) {
            q.bind("action", stripStar(filter.action()));
          }
          if (filter.target() != null) {
            q.bind("target", stripStar(filter.target()));
          }
          if (filter.start() != null) {
            q.bind("start", Timestamp.from(filter.start()));
          }
          if (filter.end() != null) {
            q.bind("end", Timestamp.from(filter.end()));
          }
          if (filter.beforeId() != null) {
            q.bind("before", filter.beforeId());
          }
          return q.bind("limit", filter.limit())
              .map(
                  (rs, c) -> {
                    Instant at = rs.getTimestamp("at").toInstant();
                    try {
                      return new AuditEntry(
                          rs.getLong("id"),
                          at.getEpochSecond() * 1_000_000_000L + at.getNano(),
                          rs.getString("actor"),
                          rs.getString("action"),
                          rs.getString("target"),
                          MAPPER.readTree(rs.getString("details")),
                          rs.getString("remote_address"),
                          rs.getString("forwarded_for"));
                    } catch (JsonProcessingException e) {
                      throw new IllegalStateException(e);
                    }
                  })
              .list();
        });
  }

  private static String stripStar(String value) {
    return value.endsWith("*") ? value.substring(0, value.length() - 1) : value;
  }

  private static String json(Map<String, ?> details) {
    try {
      return MAPPER.writeValueAsString(details);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("details: not serialisable as JSON", e);
    }
  }

  /**
   * What {@link #search} returns: every non-null criterion must match. {@code action} and {@code
   * target} match a prefix when they end with {@code *}.
   *
   * @param start inclusive
   * @param end exclusive
   * @param beforeId only entries older than this id (paging)
   * @param limit 1..{@value #MAX_LIMIT}
   */
  public record Filter(
      @Nullable String actor,
      @Nullable String action,
      @Nullable String target,
      @Nullable Instant start,
      @Nullable Instant end,
      @Nullable Long beforeId,
      int limit) {
    public Filter {
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException("limit: " + limit + " (expected: 1.." + MAX_LIMIT + ")");
      }
    }
  }
}
