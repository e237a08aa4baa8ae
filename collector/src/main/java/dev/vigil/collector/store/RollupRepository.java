package dev.vigil.collector.store;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jspecify.annotations.Nullable;

/**
 * Reads the per-minute rollups written at ingest: services and their operations with rate, error
 * rate and latency percentiles over a window, RED time series per step, and the service dependency
 * graph. Windows are aligned to whole minutes ({@code [from, to)} on the minute start). All SQL is
 * parameterised.
 *
 * <p>Thread-safe.
 */
public final class RollupRepository {
  private final Jdbi jdbi;

  public RollupRepository(Jdbi jdbi) {
    this.jdbi = requireNonNull(jdbi, "jdbi");
  }

  /** Every service with requests in {@code [from, to)}, busiest first. */
  public List<ServiceSummary> services(Instant from, Instant to) {
    double seconds = seconds(from, to);
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT service, sum(requests) AS requests, sum(errors) AS errors,"
                        + " sum(duration_sum_ns) AS duration_sum_ns,"
                        + " vigil_sum_buckets(buckets) AS buckets"
                        + " FROM operation_minutes WHERE minute_ns >= :from AND minute_ns < :to"
                        + " GROUP BY service ORDER BY requests DESC, service")
                .bind("from", Times.nanos(from))
                .bind("to", Times.nanos(to))
                .map(
                    (rs, ctx) ->
                        new ServiceSummary(
                            rs.getString("service"),
                            Red.of(
                                rs.getLong("requests"),
                                rs.getLong("errors"),
                                rs.getLong("duration_sum_ns"),
                                TraceRepository.longs(rs.getArray("buckets")),
                                seconds)))
                .list());
  }

  /** The operations of {@code service} with requests in {@code [from, to)}, busiest first. */
  public List<OperationSummary> operations(String service, Instant from, Instant to) {
    double seconds = seconds(from, to);
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT operation, sum(requests) AS requests, sum(errors) AS errors,"
                        + " sum(duration_sum_ns) AS duration_sum_ns,"
                        + " vigil_sum_buckets(buckets) AS buckets"
                        + " FROM operation_minutes WHERE service = :service"
                        + " AND minute_ns >= :from AND minute_ns < :to"
                        + " GROUP BY operation ORDER BY requests DESC, operation")
                .bind("service", service)
                .bind("from", Times.nanos(from))
                .bind("to", Times.nanos(to))
                .map(
                    (rs, ctx) ->
                        new OperationSummary(
                            service,
                            rs.getString("operation"),
                            Red.of(
                                rs.getLong("requests"),
                                rs.getLong("errors"),
                                rs.getLong("duration_sum_ns"),
                                TraceRepository.longs(rs.getArray("buckets")),
                                seconds)))
                .list());
  }

  /**
   * RED of {@code service} (or of one of its operations) per {@code step} over {@code [from, to)};
   * steps without requests are omitted.
   *
   * @param step at least one minute, the rollup resolution
   */
  public List<RedPoint> red(
      String service, @Nullable String operation, Instant from, Instant to, Duration step) {
    if (step.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new IllegalArgumentException("step: " + step + " (expected: >= 1 minute)");
    }
    long stepNs = step.toNanos();
    long fromNs = Times.nanos(from);
    double seconds = step.toNanos() / 1e9;
    String sql =
        "SELECT :from + ((minute_ns - :from) / :step) * :step AS step_ns,"
            + " sum(requests) AS requests, sum(errors) AS errors,"
            + " sum(duration_sum_ns) AS duration_sum_ns, vigil_sum_buckets(buckets) AS buckets"
            + " FROM operation_minutes WHERE service = :service"
            + (operation != null ? " AND operation = :operation" : "")
            + " AND minute_ns >= :from AND minute_ns < :to"
            + " GROUP BY step_ns ORDER BY step_ns";
    return jdbi.withHandle(
        h -> {
          Query q =
              h.createQuery(sql)
                  .bind("service", service)
                  .bind("from", fromNs)
                  .bind("to", Times.nanos(to))
                  .bind("step", stepNs);
          if (operation != null) {
            q.bind("operation", operation);
          }
          return q.map(
                  (rs, ctx) ->
                      new RedPoint(
                          rs.getLong("step_ns"),
                          Red.of(
                              rs.getLong("requests"),
                              rs.getLong("errors"),
                              rs.getLong("duration_sum_ns"),
                              TraceRepository.longs(rs.getArray("buckets")),
                              seconds)))
              .list();
        });
  }

  /** The dependency edges with calls in {@code [from, to)}, busiest first. */
  public List<DependencyEdge> dependencies(Instant from, Instant to) {
    double seconds = seconds(from, to);
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT caller, callee, max(callee_type) AS callee_type,"
                        + " sum(calls) AS calls, sum(errors) AS errors,"
                        + " sum(duration_sum_ns) AS duration_sum_ns,"
                        + " vigil_sum_buckets(buckets) AS buckets"
                        + " FROM dependency_minutes WHERE minute_ns >= :from AND minute_ns < :to"
                        + " GROUP BY caller, callee ORDER BY calls DESC, caller, callee")
                .bind("from", Times.nanos(from))
                .bind("to", Times.nanos(to))
                .map(
                    (rs, ctx) ->
                        new DependencyEdge(
                            rs.getString("caller"),
                            rs.getString("callee"),
                            rs.getString("callee_type"),
                            Red.of(
                                rs.getLong("calls"),
                                rs.getLong("errors"),
                                rs.getLong("duration_sum_ns"),
                                TraceRepository.longs(rs.getArray("buckets")),
                                seconds)))
                .list());
  }

  private static double seconds(Instant from, Instant to) {
    if (!to.isAfter(from)) {
      throw new IllegalArgumentException("to: " + to + " (expected: after from " + from + ")");
    }
    return Duration.between(from, to).toNanos() / 1e9;
  }
}
