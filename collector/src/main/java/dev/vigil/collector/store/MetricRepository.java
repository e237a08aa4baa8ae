package dev.vigil.collector.store;

import static java.util.Objects.requireNonNull;

import java.sql.Array;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jspecify.annotations.Nullable;

/**
 * Reads metric points: the metric names seen in a window and the points of one metric (optionally
 * of one service) in time order. All SQL is parameterised.
 *
 * <p>Thread-safe.
 */
public final class MetricRepository {
  public static final int MAX_POINTS = 100_000;

  private final Jdbi jdbi;

  public MetricRepository(Jdbi jdbi) {
    this.jdbi = requireNonNull(jdbi, "jdbi");
  }

  /** Distinct metric names with points in {@code [from, to)}, optionally of one service. */
  public List<String> names(@Nullable String service, Instant from, Instant to) {
    return jdbi.withHandle(
        h -> {
          Query q =
              h.createQuery(
                      "SELECT DISTINCT name FROM metric_points WHERE time_ns >= :from"
                          + " AND time_ns < :to"
                          + (service != null ? " AND service = :service" : "")
                          + " ORDER BY name")
                  .bind("from", Times.nanos(from))
                  .bind("to", Times.nanos(to));
          if (service != null) {
            q.bind("service", service);
          }
          return q.mapTo(String.class).list();
        });
  }

  /** Points of metric {@code name} in {@code [from, to)} ordered by time, at most {@code limit}. */
  public List<MetricPoint> series(
      String name, @Nullable String service, Instant from, Instant to, int limit) {
    if (limit < 1 || limit > MAX_POINTS) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: 1.." + MAX_POINTS + ")");
    }
    return jdbi.withHandle(
        h -> {
          Query q =
              h.createQuery(
                      "SELECT time_ns, service, name, type, unit, value, count, sum, bounds,"
                          + " counts, coalesce(attributes, '{}'::jsonb)::text AS attributes"
                          + " FROM metric_points WHERE name = :name"
                          + (service != null ? " AND service = :service" : "")
                          + " AND time_ns >= :from AND time_ns < :to"
                          + " ORDER BY time_ns LIMIT :limit")
                  .bind("name", name)
                  .bind("from", Times.nanos(from))
                  .bind("to", Times.nanos(to))
                  .bind("limit", limit);
          if (service != null) {
            q.bind("service", service);
          }
          return q.map(
                  (rs, ctx) -> {
                    double value = rs.getDouble("value");
                    Double boxedValue = rs.wasNull() ? null : value;
                    long count = rs.getLong("count");
                    Long boxedCount = rs.wasNull() ? null : count;
                    double sum = rs.getDouble("sum");
                    Double boxedSum = rs.wasNull() ? null : sum;
                    return new MetricPoint(
                        rs.getLong("time_ns"),
                        rs.getString("service"),
                        rs.getString("name"),
                        rs.getString("type"),
                        rs.getString("unit"),
                        boxedValue,
                        boxedCount,
                        boxedSum,
                        doubles(rs.getArray("bounds")),
                        TraceRepository.longs(rs.getArray("counts")),
                        rs.getString("attributes"));
                  })
              .list();
        });
  }

  static double[] doubles(@Nullable Array array) throws SQLException {
    if (array == null) {
      return new double[0];
    }
    Object[] values = (Object[]) array.getArray();
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = ((Number) values[i]).doubleValue();
    }
    return out;
  }
}
