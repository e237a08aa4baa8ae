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
 * of one service and one instance) in time order. An instance is the resource attribute {@code
 * service.instance.id} of the points' resource. All SQL is parameterised.
 *
 * <p>Thread-safe.
 */
public final class MetricRepository {
  public static final int MAX_POINTS = 100_000;

  /** The resource attribute naming the process that exported a point. */
  public static final String INSTANCE_ATTRIBUTE = "service.instance.id";

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

  /**
   * Points of metric {@code name} in {@code [from, to)} ordered by time, at most {@code limit},
   * optionally only those of {@code service} and of {@code instance}.
   */
  public List<MetricPoint> series(
      String name,
      @Nullable String service,
      @Nullable String instance,
      Instant from,
      Instant to,
      int limit) {
    if (limit < 1 || limit > MAX_POINTS) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: 1.." + MAX_POINTS + ")");
    }
    return jdbi.withHandle(
        h -> {
          Query q =
              h.createQuery(
                      "SELECT m.time_ns, m.service, r.attributes ->> :instanceKey AS instance,"
                          + " m.name, m.type, m.unit, m.value, m.count, m.sum, m.bounds, m.counts,"
                          + " coalesce(m.attributes, '{}'::jsonb)::text AS attributes"
                          + " FROM metric_points m LEFT JOIN resources r USING (resource_id)"
                          + " WHERE m.name = :name"
                          + (service != null ? " AND m.service = :service" : "")
                          + (instance != null
                              ? " AND r.attributes ->> :instanceKey = :instance"
                              : "")
                          + " AND m.time_ns >= :from AND m.time_ns < :to"
                          + " ORDER BY m.time_ns LIMIT :limit")
                  .bind("name", name)
                  .bind("instanceKey", INSTANCE_ATTRIBUTE)
                  .bind("from", Times.nanos(from))
                  .bind("to", Times.nanos(to))
                  .bind("limit", limit);
          if (service != null) {
            q.bind("service", service);
          }
          if (instance != null) {
            q.bind("instance", instance);
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
                        rs.getString("instance"),
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
