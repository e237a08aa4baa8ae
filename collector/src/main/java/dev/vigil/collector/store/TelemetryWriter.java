package dev.vigil.collector.store;

import static java.util.Objects.requireNonNull;

import dev.vigil.collector.model.LatencyBuckets;
import dev.vigil.collector.model.LogRow;
import dev.vigil.collector.model.MetricRow;
import dev.vigil.collector.model.ResourceRow;
import dev.vigil.collector.model.RollupBatch;
import dev.vigil.collector.model.SpanRow;
import dev.vigil.collector.model.TelemetryBatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Writes one batch, spans, log records, metric points and the rollups derived from them, in a
 * single transaction: rows are streamed with {@code COPY ... FROM STDIN} and rollups are added with
 * {@code INSERT ... ON CONFLICT DO UPDATE}. Missing day partitions are created first, in their own
 * short transactions. Either everything in the batch is committed or nothing is.
 *
 * <p>A write given a deadline is bounded in time and its outcome is known: each statement runs
 * under a {@code statement_timeout} of the time left when its transaction starts, no statement
 * starts after the deadline, and a server that stops answering altogether is given up on after
 * twice that time (the connection's socket timeout). Failures are {@link StoreException}s whose
 * {@link StoreException#kind() kind} says whether the transaction rolled back; only a connection
 * lost while COMMIT is in flight leaves it unknown ({@link StoreException.Kind#COMMIT_UNKNOWN}).
 *
 * <p>Thread-safe: holds no per-batch state; the caches of known partitions and resources are
 * concurrent.
 */
public final class TelemetryWriter {
  static final String COPY_SPANS =
      "COPY spans (start_ns, duration_ns, resource_id, kind, status_code, trace_id, span_id,"
          + " parent_span_id, service, name, status_message, scope, attributes, events, links)"
          + " FROM STDIN (FORMAT binary)";
  static final String COPY_LOGS =
      "COPY log_records (time_ns, resource_id, severity_number, trace_id, span_id, service,"
          + " severity_text, body, scope, attributes) FROM STDIN (FORMAT binary)";
  static final String COPY_METRICS =
      "COPY metric_points (time_ns, start_ns, resource_id, value, count, sum, type, monotonic,"
          + " service, name, unit, bounds, counts, attributes) FROM STDIN";

  // The first parameter holds LatencyBuckets.COUNT histogram buckets per key, one key after the
  // other; the second is the writer slot; then one array per column.
  static final String UPSERT_OPERATIONS =
      "INSERT INTO operation_minutes AS o"
          + " (minute_ns, requests, errors, duration_sum_ns, service, operation, buckets, slot)"
          + " SELECT m, r, e, d, s, op, (?::bigint[])[(i::int - 1) * "
          + LatencyBuckets.COUNT
          + " + 1 : i::int * "
          + LatencyBuckets.COUNT
          + "], ?"
          + " FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[],"
          + " ?::text[]) WITH ORDINALITY AS t (m, r, e, d, s, op, i)"
          + " ORDER BY i"
          + " ON CONFLICT (service, operation, minute_ns, slot) DO UPDATE SET"
          + " requests = o.requests + excluded.requests,"
          + " errors = o.errors + excluded.errors,"
          + " duration_sum_ns = o.duration_sum_ns + excluded.duration_sum_ns,"
          + " buckets = vigil_add_buckets(o.buckets, excluded.buckets)";
  static final String UPSERT_EDGES =
      "INSERT INTO dependency_minutes AS d"
          + " (minute_ns, calls, errors, duration_sum_ns, caller, callee, callee_type, buckets,"
          + " slot)"
          + " SELECT m, r, e, ds, ca, ce, ct, (?::bigint[])[(i::int - 1) * "
          + LatencyBuckets.COUNT
          + " + 1 : i::int * "
          + LatencyBuckets.COUNT
          + "], ?"
          + " FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[],"
          + " ?::text[], ?::text[]) WITH ORDINALITY AS t (m, r, e, ds, ca, ce, ct, i)"
          + " ORDER BY i"
          + " ON CONFLICT (caller, callee, minute_ns, slot) DO UPDATE SET"
          + " calls = d.calls + excluded.calls,"
          + " errors = d.errors + excluded.errors,"
          + " duration_sum_ns = d.duration_sum_ns + excluded.duration_sum_ns,"
          + " callee_type = excluded.callee_type,"
          + " buckets = vigil_add_buckets(d.buckets, excluded.buckets)";

  /** For {@link #write(TelemetryBatch, List, RollupBatch, int, long)}: no time limit. */
  public static final long NO_DEADLINE = Long.MIN_VALUE;

  private static final int MAX_KNOWN_RESOURCES = 100_000;
  private static final Executor DIRECT = Runnable::run;

  private final Jdbi jdbi;
  private final Partitions partitions;
  private final Set<Long> knownResources = ConcurrentHashMap.newKeySet();

  public TelemetryWriter(Jdbi jdbi, Partitions partitions) {
    this.jdbi = requireNonNull(jdbi, "jdbi");
    this.partitions = requireNonNull(partitions, "partitions");
  }

  /** Writes and commits {@code batch} and {@code rollups}, without a deadline. */
  public void write(TelemetryBatch batch, RollupBatch rollups) {
    write(batch, List.of(EncodedRows.of(batch)), rollups, 0, NO_DEADLINE);
  }

  /**
   * Writes and commits the rows of several requests in one transaction; throws if nothing was
   * committed.
   *
   * @param batch the requests' rows together, for their resources and partitions
   * @param encoded the same rows already encoded, one element per request
   * @param slot the caller's writer slot: concurrent callers with different slots add to different
   *     rollup rows, so they never wait for each other's commit
   * @param deadlineNanos the {@link System#nanoTime()} after which no statement of the write
   *     starts, or {@link #NO_DEADLINE}
   * @throws StoreException if nothing was committed, or, with kind {@link
   *     StoreException.Kind#COMMIT_UNKNOWN}, if the connection failed while COMMIT was in flight
   */
  public void write(
      TelemetryBatch batch,
      List<EncodedRows> encoded,
      RollupBatch rollups,
      int slot,
      long deadlineNanos) {
    try {
      writeRows(batch, encoded, rollups, slot, deadlineNanos);
    } catch (RuntimeException e) {
      // A partition this process knew may have been dropped by another collector's retention.
      partitions.forget();
      throw e instanceof StoreException ? e : new StoreException("could not write batch", e);
    }
    if (knownResources.size() > MAX_KNOWN_RESOURCES) {
      knownResources.clear();
    }
    for (ResourceRow r : batch.resources()) {
      knownResources.add(r.resourceId());
    }
  }

  private void writeRows(
      TelemetryBatch batch,
      List<EncodedRows> encoded,
      RollupBatch rollups,
      int slot,
      long deadline) {
    boolean[] committing = {false};
    try {
      ensurePartitions(batch, rollups, deadline);
      jdbi.<SQLException>useTransaction(
          h -> {
            limit(h, deadline);
            insertResources(h, batch);
            CopyManager copy = h.getConnection().unwrap(PGConnection.class).getCopyAPI();
            if (!batch.spans().isEmpty()) {
              checkDeadline(deadline);
              copy(copy, COPY_SPANS, CopyBinary.HEADER, CopyBinary.TRAILER, encoded, r -> r.spans);
            }
            if (!batch.logs().isEmpty()) {
              checkDeadline(deadline);
              copy(copy, COPY_LOGS, CopyBinary.HEADER, CopyBinary.TRAILER, encoded, r -> r.logs);
            }
            if (!batch.metrics().isEmpty()) {
              checkDeadline(deadline);
              copy(copy, COPY_METRICS, null, null, encoded, r -> r.metrics);
            }
            checkDeadline(deadline);
            upsertOperations(h, rollups, slot);
            upsertEdges(h, rollups, slot);
            checkDeadline(deadline);
            committing[0] = true; // useTransaction commits when this returns
          });
    } catch (SQLException | RuntimeException e) {
      StoreException.Kind kind = StoreException.kindOf(e);
      if (committing[0] && !rolledBackAtCommit(kind, e)) {
        kind = StoreException.Kind.COMMIT_UNKNOWN;
      }
      throw new StoreException(kind, "could not write batch: " + e.getMessage(), e);
    }
  }

  /**
   * Whether a failure of COMMIT is the server's answer that the transaction rolled back: a refused
   * deferred constraint or a serialization failure. Anything else there, a lost connection above
   * all, may have struck after the commit record was written.
   */
  private static boolean rolledBackAtCommit(StoreException.Kind kind, Throwable e) {
    String state = StoreException.sqlState(e);
    return kind == StoreException.Kind.REJECTED || (state != null && state.startsWith("40"));
  }

  /**
   * Bounds the transaction on {@code h} by {@code deadline}: the socket timeout first, so that even
   * the statement setting the server-side limit cannot hang, then {@code statement_timeout}.
   */
  private static void limit(Handle h, long deadline) throws SQLException {
    if (deadline == NO_DEADLINE) {
      return;
    }
    long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (leftMillis <= 0) {
      throw deadlinePassed();
    }
    h.getConnection().setNetworkTimeout(DIRECT, (int) Math.min(Integer.MAX_VALUE, 2 * leftMillis));
    // set_config(..., true) is SET LOCAL with a bind parameter: one statement text for every value,
    // so the driver keeps it prepared. Plain JDBC: this runs once per group commit.
    try (PreparedStatement set =
        h.getConnection().prepareStatement("SELECT set_config('statement_timeout', ?, true)")) {
      set.setString(1, Long.toString(leftMillis));
      set.execute();
    }
  }

  private static void checkDeadline(long deadline) {
    if (deadline != NO_DEADLINE && deadline - System.nanoTime() <= 0) {
      throw deadlinePassed();
    }
  }

  private static StoreException deadlinePassed() {
    return new StoreException(
        StoreException.Kind.RETRYABLE, "write deadline passed; rolled back", null);
  }

  private void ensurePartitions(TelemetryBatch batch, RollupBatch rollups, long deadline)
      throws SQLException {
    Set<String> needed = new TreeSet<>();
    long lastDay = Long.MIN_VALUE;
    for (SpanRow s : batch.spans()) {
      long d = Math.floorDiv(s.startNs(), Partitions.NANOS_PER_DAY);
      if (d != lastDay) {
        lastDay = d;
        needed.add("spans/" + Partitions.dayOf(s.startNs()));
      }
    }
    lastDay = Long.MIN_VALUE;
    for (LogRow l : batch.logs()) {
      long d = Math.floorDiv(l.timeNs(), Partitions.NANOS_PER_DAY);
      if (d != lastDay) {
        lastDay = d;
        needed.add("log_records/" + Partitions.dayOf(l.timeNs()));
      }
    }
    lastDay = Long.MIN_VALUE;
    for (MetricRow m : batch.metrics()) {
      long d = Math.floorDiv(m.timeNs(), Partitions.NANOS_PER_DAY);
      if (d != lastDay) {
        lastDay = d;
        needed.add("metric_points/" + Partitions.dayOf(m.timeNs()));
      }
    }
    for (RollupBatch.OperationKey k : rollups.operations().keySet()) {
      needed.add("operation_minutes/" + Partitions.dayOf(k.minuteNs()));
    }
    for (RollupBatch.EdgeKey k : rollups.edges().keySet()) {
      needed.add("dependency_minutes/" + Partitions.dayOf(k.minuteNs()));
    }
    for (String entry : needed) {
      int slash = entry.indexOf('/');
      String table = entry.substring(0, slash);
      LocalDate day = LocalDate.parse(entry.substring(slash + 1));
      if (!partitions.isKnown(table, day)) {
        jdbi.<SQLException>useTransaction(
            h -> {
              limit(h, deadline);
              partitions.ensure(h, table, day);
            });
      }
    }
  }

  private void insertResources(Handle h, TelemetryBatch batch) {
    List<ResourceRow> unknown = null;
    for (ResourceRow r : batch.resources()) {
      if (!knownResources.contains(r.resourceId())) {
        if (unknown == null) {
          unknown = new ArrayList<>();
        }
        unknown.add(r);
      }
    }
    if (unknown == null) {
      return; // the usual case once a service's resource has been seen
    }
    // In id order: two writers inserting the same new resources in different orders would
    // deadlock on their unique index entries.
    unknown.sort(Comparator.comparingLong(ResourceRow::resourceId));
    PreparedBatch insert =
        h.prepareBatch(
            "INSERT INTO resources (resource_id, first_seen_ns, service, attributes)"
                + " VALUES (:id, :firstSeen, :service, CAST(:attributes AS jsonb))"
                + " ON CONFLICT (resource_id) DO NOTHING");
    for (ResourceRow r : unknown) {
      insert
          .bind("id", r.resourceId())
          .bind("firstSeen", r.firstSeenNs())
          .bind("service", r.service())
          .bind("attributes", r.attributesJson())
          .add();
    }
    insert.execute();
  }

  /** Streams the already encoded rows of every request, between a header and a trailer. */
  private static void copy(
      CopyManager copy,
      String sql,
      byte @Nullable [] header,
      byte @Nullable [] trailer,
      List<EncodedRows> encoded,
      Function<EncodedRows, EncodedRows.Slice> rows)
      throws SQLException {
    CopyIn in = copy.copyIn(sql);
    try {
      if (header != null) {
        in.writeToCopy(header, 0, header.length);
      }
      for (EncodedRows r : encoded) {
        EncodedRows.Slice slice = rows.apply(r);
        in.writeToCopy(slice.bytes(), 0, slice.length());
      }
      if (trailer != null) {
        in.writeToCopy(trailer, 0, trailer.length);
      }
      in.endCopy();
    } finally {
      if (in.isActive()) {
        in.cancelCopy();
      }
    }
  }

  /**
   * Adds the operation aggregates in one statement: the keys, counts and sums as parallel arrays,
   * the histograms as one array of {@link LatencyBuckets#COUNT} elements per key. One statement per
   * group instead of one per key spares the database a plan of {@code vigil_add_buckets} and an
   * executor start per key. Rows are inserted in key order (the batch's keys are sorted), so
   * concurrent writers lock them in the same order.
   */
  private static void upsertOperations(Handle h, RollupBatch rollups, int slot)
      throws SQLException {
    Map<RollupBatch.OperationKey, RollupBatch.Aggregate> operations = rollups.operations();
    if (operations.isEmpty()) {
      return;
    }
    int n = operations.size();
    Columns c = new Columns(n);
    String[] services = new String[n];
    String[] names = new String[n];
    int i = 0;
    for (Map.Entry<RollupBatch.OperationKey, RollupBatch.Aggregate> e : operations.entrySet()) {
      services[i] = e.getKey().service();
      names[i] = e.getKey().operation();
      c.set(i++, e.getKey().minuteNs(), e.getValue());
    }
    c.execute(h.getConnection(), UPSERT_OPERATIONS, slot, services, names);
  }

  /** Adds the dependency edge aggregates in one statement, as {@link #upsertOperations}. */
  private static void upsertEdges(Handle h, RollupBatch rollups, int slot) throws SQLException {
    Map<RollupBatch.EdgeKey, RollupBatch.Aggregate> edges = rollups.edges();
    if (edges.isEmpty()) {
      return;
    }
    int n = edges.size();
    Columns c = new Columns(n);
    String[] callers = new String[n];
    String[] callees = new String[n];
    String[] calleeTypes = new String[n];
    int i = 0;
    for (Map.Entry<RollupBatch.EdgeKey, RollupBatch.Aggregate> e : edges.entrySet()) {
      callers[i] = e.getKey().caller();
      callees[i] = e.getKey().callee();
      calleeTypes[i] = e.getValue().calleeType();
      c.set(i++, e.getKey().minuteNs(), e.getValue());
    }
    c.execute(h.getConnection(), UPSERT_EDGES, slot, callers, callees, calleeTypes);
  }

  /** The columns operation and edge aggregates share, as arrays over the keys of one batch. */
  private static final class Columns {
    final long[] minutes;
    final long[] counts;
    final long[] errors;
    final long[] sums;
    final long[] buckets;

    Columns(int n) {
      minutes = new long[n];
      counts = new long[n];
      errors = new long[n];
      sums = new long[n];
      buckets = new long[n * LatencyBuckets.COUNT];
    }

    void set(int i, long minuteNs, RollupBatch.Aggregate a) {
      minutes[i] = minuteNs;
      counts[i] = a.count();
      errors[i] = a.errors();
      sums[i] = a.durationSumNs();
      System.arraycopy(a.buckets(), 0, buckets, i * LatencyBuckets.COUNT, LatencyBuckets.COUNT);
    }

    /**
     * Runs {@code sql} with parameters 1 to 6 bound to the buckets, the slot, minutes, counts,
     * errors and sums, and the following ones to the {@code texts} columns.
     */
    void execute(Connection connection, String sql, int slot, String[]... texts)
        throws SQLException {
      PGConnection pg = connection.unwrap(PGConnection.class);
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        statement.setArray(1, pg.createArrayOf("int8", buckets));
        statement.setShort(2, (short) slot);
        statement.setArray(3, pg.createArrayOf("int8", minutes));
        statement.setArray(4, pg.createArrayOf("int8", counts));
        statement.setArray(5, pg.createArrayOf("int8", errors));
        statement.setArray(6, pg.createArrayOf("int8", sums));
        for (int i = 0; i < texts.length; i++) {
          statement.setArray(7 + i, connection.createArrayOf("text", texts[i]));
        }
        statement.executeUpdate();
      }
    }
  }
}
