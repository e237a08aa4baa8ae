package dev.vigil.collector.store;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * Reads log records: search by time range, service, minimum severity, trace id and body text,
 * newest first. All SQL is parameterised; the body text is matched with {@code ILIKE} on an escaped
 * pattern.
 *
 * <p>Thread-safe.
 */
public final class LogRepository {
  private final Jdbi jdbi;

  public LogRepository(Jdbi jdbi) {
    this.jdbi = requireNonNull(jdbi, "jdbi");
  }

  public List<StoredLog> search(LogQuery query) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT l.time_ns, l.service, l.severity_number, l.severity_text, l.body, l.trace_id,"
                + " l.span_id, l.scope, coalesce(l.attributes, '{}'::jsonb)::text AS attributes,"
                + " coalesce(r.attributes, '{}'::jsonb)::text AS resource"
                + " FROM log_records l LEFT JOIN resources r USING (resource_id)"
                + " WHERE l.time_ns >= :from AND l.time_ns < :to");
    if (query.service != null) {
      sql.append(" AND l.service = :service");
    }
    if (query.minSeverity > 0) {
      sql.append(" AND l.severity_number >= :minSeverity");
    }
    if (query.traceId != null) {
      sql.append(" AND l.trace_id = :traceId");
    }
    if (query.text != null) {
      sql.append(" AND l.body ILIKE :pattern ESCAPE '\\'");
    }
    sql.append(" ORDER BY l.time_ns DESC LIMIT :limit");
    return jdbi.withHandle(
        h -> {
          Query q =
              h.createQuery(sql.toString())
                  .bind("from", Times.nanos(query.from))
                  .bind("to", Times.nanos(query.to))
                  .bind("limit", query.limit);
          if (query.service != null) {
            q.bind("service", query.service);
          }
          if (query.minSeverity > 0) {
            q.bind("minSeverity", query.minSeverity);
          }
          if (query.traceId != null) {
            q.bind("traceId", Ids.traceId(query.traceId));
          }
          if (query.text != null) {
            q.bind("pattern", "%" + escapeLike(query.text) + "%");
          }
          return q.map(
                  (rs, ctx) -> {
                    byte[] traceId = rs.getBytes("trace_id");
                    byte[] spanId = rs.getBytes("span_id");
                    return new StoredLog(
                        rs.getLong("time_ns"),
                        rs.getString("service"),
                        rs.getInt("severity_number"),
                        rs.getString("severity_text"),
                        rs.getString("body"),
                        traceId == null ? null : Ids.hex(traceId),
                        spanId == null ? null : Ids.hex(spanId),
                        rs.getString("scope"),
                        rs.getString("attributes"),
                        rs.getString("resource"));
                  })
              .list();
        });
  }

  static String escapeLike(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
