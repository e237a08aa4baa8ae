package dev.vigil.collector.store;

import static java.util.Objects.requireNonNull;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * Reads traces: one trace by id (served by the {@code trace_id} index of every day partition), and
 * trace search by service, operation, duration, error status, one attribute and time range (served
 * by {@code (service, start_ns)} or the BRIN index on {@code start_ns}, and partition pruning on
 * the time range). All SQL is parameterised.
 *
 * <p>Thread-safe.
 */
public final class TraceRepository {
  static final String SPAN_COLUMNS =
      "s.trace_id, s.span_id, s.parent_span_id, s.service, s.name, s.kind, s.start_ns,"
          + " s.duration_ns, s.status_code, s.status_message, s.scope,"
          + " coalesce(s.attributes, '{}'::jsonb)::text AS attributes,"
          + " coalesce(s.events, '[]'::jsonb)::text AS events,"
          + " coalesce(s.links, '[]'::jsonb)::text AS links,"
          + " coalesce(r.attributes, '{}'::jsonb)::text AS resource";

  static final int FIRST_SLICE_MINUTES = 1;

  private final Jdbi jdbi;

  public TraceRepository(Jdbi jdbi) {
    this.jdbi = requireNonNull(jdbi, "jdbi");
  }

  /**
   * The spans of trace {@code traceIdHex} (32 hex chars) ordered by start time, or empty if none is
   * stored. A span received twice (a client retry) is returned once.
   *
   * @throws IllegalArgumentException if the id is not 32 hex characters
   */
  public Optional<Trace> findTrace(String traceIdHex) {
    byte[] traceId = Ids.traceId(traceIdHex);
    List<StoredSpan> spans =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT * FROM (SELECT DISTINCT ON (s.span_id) "
                            + SPAN_COLUMNS
                            + " FROM spans s LEFT JOIN resources r USING (resource_id)"
                            + " WHERE s.trace_id = :traceId ORDER BY s.span_id, s.start_ns) t"
                            + " ORDER BY start_ns, span_id")
                    .bind("traceId", traceId)
                    .map((rs, ctx) -> span(rs))
                    .list());
    return spans.isEmpty()
        ? Optional.empty()
        : Optional.of(new Trace(Ids.hex(traceId), List.copyOf(spans)));
  }

  /**
   * Traces with a span matching {@code query}, most recent first (by their latest matching span),
   * at most {@code limit}.
   *
   * <p>The window is searched backwards in slices growing fourfold from {@value
   * #FIRST_SLICE_MINUTES} minute, stopping as soon as {@code limit} traces are found, so a search
   * over a day of a busy system reads only its last minutes unless the criteria are rare. A trace
   * found in a newer slice has its latest matching span there, so the order is the same as one
   * search over the whole window.
   */
  public List<TraceSummary> searchTraces(TraceQuery query) {
    long from = Times.nanos(query.from);
    long sliceEnd = Times.nanos(query.to);
    long slice = FIRST_SLICE_MINUTES * 60_000_000_000L;
    Set<String> hits = new LinkedHashSet<>();
    while (hits.size() < query.limit && sliceEnd > from) {
      long sliceStart = Math.max(from, sliceEnd - slice);
      for (String traceId : hits(query, sliceStart, sliceEnd)) {
        if (hits.size() < query.limit) {
          hits.add(traceId);
        }
      }
      sliceEnd = sliceStart;
      slice = Math.multiplyExact(slice, 4);
    }
    if (hits.isEmpty()) {
      return List.of();
    }
    Map<String, TraceSummary> summaries = summaries(hits);
    List<TraceSummary> out = new ArrayList<>(hits.size());
    for (String traceId : hits) {
      TraceSummary summary = summaries.get(traceId);
      if (summary != null) {
        out.add(summary);
      }
    }
    return List.copyOf(out);
  }

  /** The traces with a span matching {@code query} in {@code [from, to)}, latest first. */
  private List<String> hits(TraceQuery query, long from, long to) {
    StringBuilder where = new StringBuilder("start_ns >= :from AND start_ns < :to");
    if (query.service != null) {
      where.append(" AND service = :service");
    }
    if (query.operation != null) {
      where.append(" AND name = :operation");
    }
    if (query.minDuration != null) {
      where.append(" AND duration_ns >= :minDuration");
    }
    if (query.maxDuration != null) {
      where.append(" AND duration_ns <= :maxDuration");
    }
    if (query.errorsOnly) {
      where.append(" AND status_code = 2");
    }
    if (query.attributeKey != null) {
      where.append(" AND attributes ->> :attributeKey = :attributeValue");
    }
    String sql =
        "SELECT trace_id, max(start_ns) AS last_ns FROM spans WHERE "
            + where
            + " GROUP BY trace_id ORDER BY last_ns DESC LIMIT :limit";
    return jdbi.withHandle(
        h -> {
          Query q = h.createQuery(sql).bind("from", from).bind("to", to).bind("limit", query.limit);
          if (query.service != null) {
            q.bind("service", query.service);
          }
          if (query.operation != null) {
            q.bind("operation", query.operation);
          }
          if (query.minDuration != null) {
            q.bind("minDuration", query.minDuration.toNanos());
          }
          if (query.maxDuration != null) {
            q.bind("maxDuration", query.maxDuration.toNanos());
          }
          if (query.attributeKey != null) {
            q.bind("attributeKey", query.attributeKey).bind("attributeValue", query.attributeValue);
          }
          return q.map((rs, ctx) -> Ids.hex(rs.getBytes("trace_id"))).list();
        });
  }

  /** The summary of each trace in {@code traceIds}, from all of its spans, by trace id. */
  private Map<String, TraceSummary> summaries(Collection<String> traceIds) {
    // LATERAL, so each trace is read through the trace_id index whatever size the planner guesses
    // for the bound array.
    String sql =
        "SELECT t.* FROM unnest(CAST(:ids AS text[])) x, LATERAL (SELECT s.trace_id,"
            + " (array_agg(s.service ORDER BY s.parent_span_id IS NOT NULL, s.start_ns))[1]"
            + " AS root_service,"
            + " (array_agg(s.name ORDER BY s.parent_span_id IS NOT NULL, s.start_ns))[1]"
            + " AS root_name,"
            + " min(s.start_ns) AS start_ns,"
            + " max(s.start_ns + s.duration_ns) - min(s.start_ns) AS duration_ns,"
            + " count(DISTINCT s.span_id) AS span_count,"
            + " count(DISTINCT s.span_id) FILTER (WHERE s.status_code = 2) AS error_count,"
            + " array_agg(DISTINCT s.service) AS services"
            + " FROM spans s WHERE s.trace_id = decode(x, 'hex') GROUP BY s.trace_id) t";
    Map<String, TraceSummary> out = new HashMap<>();
    jdbi.useHandle(
        h ->
            h.createQuery(sql)
                .bindArray("ids", String.class, traceIds)
                .map(
                    (rs, ctx) ->
                        new TraceSummary(
                            Ids.hex(rs.getBytes("trace_id")),
                            rs.getString("root_service"),
                            rs.getString("root_name"),
                            rs.getLong("start_ns"),
                            rs.getLong("duration_ns"),
                            rs.getInt("span_count"),
                            rs.getInt("error_count"),
                            strings(rs.getArray("services"))))
                .forEach(t -> out.put(t.traceId(), t)));
    return out;
  }

  static List<String> strings(Array array) throws SQLException {
    if (array == null) {
      return List.of();
    }
    Object[] values = (Object[]) array.getArray();
    List<String> out = new ArrayList<>(values.length);
    for (Object v : values) {
      out.add((String) v);
    }
    return List.copyOf(out);
  }

  static long[] longs(Array array) throws SQLException {
    if (array == null) {
      return new long[0];
    }
    Object[] values = (Object[]) array.getArray();
    return Arrays.stream(values).mapToLong(v -> ((Number) v).longValue()).toArray();
  }

  static StoredSpan span(ResultSet rs) throws SQLException {
    byte[] parent = rs.getBytes("parent_span_id");
    return new StoredSpan(
        Ids.hex(rs.getBytes("trace_id")),
        Ids.hex(rs.getBytes("span_id")),
        parent == null ? null : Ids.hex(parent),
        rs.getString("service"),
        rs.getString("name"),
        rs.getInt("kind"),
        rs.getLong("start_ns"),
        rs.getLong("duration_ns"),
        rs.getInt("status_code"),
        rs.getString("status_message"),
        rs.getString("scope"),
        rs.getString("attributes"),
        rs.getString("events"),
        rs.getString("links"),
        rs.getString("resource"));
  }
}
