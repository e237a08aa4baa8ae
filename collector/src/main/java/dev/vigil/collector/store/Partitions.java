package dev.vigil.collector.store;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Creates and drops the UTC-day partitions of the signal tables. Partitions are created ahead of
 * time by the maintenance job and on demand by the writer before it copies rows for a day it has
 * not seen; retention drops whole partitions, never deletes rows.
 *
 * <p>Thread-safe: the cache of known partitions is concurrent and creation is idempotent in the
 * database.
 */
public final class Partitions {
  /** Tables partitioned by day, in the order the writer fills them. */
  public static final List<String> TRACE_TABLES =
      List.of("spans", "operation_minutes", "dependency_minutes");

  public static final List<String> LOG_TABLES = List.of("log_records");
  public static final List<String> METRIC_TABLES = List.of("metric_points");

  static final long NANOS_PER_DAY = 86_400_000_000_000L;

  private final Set<String> known = ConcurrentHashMap.newKeySet();

  /** The UTC day holding an epoch-nanosecond time. */
  public static LocalDate dayOf(long epochNanos) {
    return LocalDate.ofEpochDay(Math.floorDiv(epochNanos, NANOS_PER_DAY));
  }

  /** Whether this process has already made sure the partition exists. */
  public boolean isKnown(String table, LocalDate day) {
    return known.contains(table + '/' + day);
  }

  /** Makes sure the partition of {@code table} for {@code day} exists, using {@code handle}. */
  public void ensure(Handle handle, String table, LocalDate day) {
    String key = table + '/' + day;
    if (known.contains(key)) {
      return;
    }
    handle
        .createQuery("SELECT vigil_ensure_partition(:table, :day)")
        .bind("table", table)
        .bind("day", day)
        .mapTo(Boolean.class)
        .one();
    known.add(key);
  }

  /** Creates partitions of every table from today through {@code daysAhead} days from now. */
  public void ensureAhead(Jdbi jdbi, Instant now, int daysAhead) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    for (String table : allTables()) {
      for (int i = 0; i <= daysAhead; i++) {
        LocalDate day = today.plusDays(i);
        jdbi.useTransaction(h -> ensure(h, table, day));
      }
    }
  }

  /**
   * Drops partitions of {@code tables} holding only data older than {@code retentionDays} whole
   * days before {@code now}. Returns the number of partitions dropped.
   */
  public int dropExpired(Jdbi jdbi, List<String> tables, Instant now, int retentionDays) {
    LocalDate cutoff = LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(retentionDays);
    int dropped = 0;
    for (String table : tables) {
      dropped +=
          jdbi.inTransaction(
              h ->
                  h.createQuery("SELECT vigil_drop_partitions_before(:table, :cutoff)")
                      .bind("table", table)
                      .bind("cutoff", cutoff)
                      .mapTo(Integer.class)
                      .one());
    }
    known.removeIf(key -> LocalDate.parse(key.substring(key.indexOf('/') + 1)).isBefore(cutoff));
    return dropped;
  }

  /**
   * Summarizes the page ranges of the span start-time BRIN index (V4) that autovacuum has not yet
   * summarized, in every partition. An unsummarized range matches every time slice, so a search of
   * the last minutes would otherwise read the whole newest partition. Only new ranges are read;
   * inserts are not blocked. Returns the number of ranges summarized.
   */
  public long summarizeStartTimes(Jdbi jdbi) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT COALESCE(SUM(brin_summarize_new_values(i.inhrelid::regclass)), 0)"
                        + " FROM pg_inherits i"
                        + " WHERE i.inhparent = to_regclass('spans_start_ns_brin')")
                .mapTo(Long.class)
                .one());
  }

  /** Forgets the cache, e.g. after the database was replaced. */
  public void forget() {
    known.clear();
  }

  static List<String> allTables() {
    return List.of(
        "spans", "operation_minutes", "dependency_minutes", "log_records", "metric_points");
  }
}
