package dev.vigil.collector.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.PostgresExtension;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SchemaTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  @Test
  void migrationsRunConcurrentlyFromSeveralCollectors() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<CompletableFuture<Void>> runs =
          List.of(1, 2, 3).stream()
              .map(
                  i ->
                      CompletableFuture.runAsync(
                          () -> {
                            try (Store store = Store.builder(postgres.jdbcUrl()).open()) {
                              store.migrate();
                            }
                          },
                          pool))
              .toList();
      CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get();
    } finally {
      pool.shutdown();
    }
    try (Store store = Store.builder(postgres.jdbcUrl()).open()) {
      assertThat(tables(store.jdbi()))
          .contains(
              "spans",
              "log_records",
              "metric_points",
              "operation_minutes",
              "dependency_minutes",
              "resources");
    }
  }

  @Test
  void partitionsAreCreatedAheadOnDemandAndDroppedByRetention() {
    try (Store store = Store.builder(postgres.jdbcUrl()).open()) {
      store.migrate();
      Jdbi jdbi = store.jdbi();
      Partitions partitions = new Partitions();
      Instant now = Instant.parse("2026-03-10T12:00:00Z");
      partitions.ensureAhead(jdbi, now, 1);
      jdbi.useTransaction(h -> partitions.ensure(h, "spans", LocalDate.parse("2026-03-01")));
      new Partitions().ensureAhead(jdbi, now, 1); // a second collector finds them in place

      assertThat(tables(jdbi))
          .contains("spans_20260310", "spans_20260311", "spans_20260301", "log_records_20260311");

      int dropped = partitions.dropExpired(jdbi, Partitions.TRACE_TABLES, now, 7);

      assertThat(dropped).isEqualTo(1);
      assertThat(tables(jdbi)).doesNotContain("spans_20260301").contains("spans_20260310");
    }
  }

  @Test
  void collectorsRacingToCreateTheSamePartitionsAllSucceed() throws Exception {
    try (Store store = Store.builder(postgres.jdbcUrl()).poolSize(8).open()) {
      store.migrate();
      ExecutorService pool = Executors.newFixedThreadPool(6);
      try {
        for (int round = 0; round < 5; round++) {
          LocalDate day = LocalDate.parse("2027-01-01").plusDays(round);
          List<CompletableFuture<Void>> racers =
              List.of(1, 2, 3, 4, 5, 6).stream()
                  .map(
                      i ->
                          CompletableFuture.runAsync(
                              () ->
                                  store
                                      .jdbi()
                                      .useTransaction(
                                          h -> new Partitions().ensure(h, "spans", day)),
                              pool))
                  .toList();
          CompletableFuture.allOf(racers.toArray(CompletableFuture[]::new)).get();
        }
      } finally {
        pool.shutdown();
      }
      assertThat(tables(store.jdbi())).contains("spans_20270101", "spans_20270105");
    }
  }

  @Test
  void bucketArraysAddElementWise() {
    try (Store store = Store.builder(postgres.jdbcUrl()).open()) {
      store.migrate();
      List<Long> sum =
          store
              .jdbi()
              .withHandle(
                  h ->
                      h.createQuery(
                              "SELECT unnest(vigil_sum_buckets(b)) FROM (VALUES"
                                  + " (ARRAY[1,2,3]::bigint[]), (ARRAY[10,20,30]::bigint[])) v(b)")
                          .mapTo(Long.class)
                          .list());
      assertThat(sum).containsExactly(11L, 22L, 33L);
    }
  }

  @Test
  void newSpanIndexRangesAreSummarizedOnceSoTimeSlicesSkipOldPages() {
    try (Store store = Store.builder(postgres.jdbcUrl()).open()) {
      store.migrate();
      Jdbi jdbi = store.jdbi();
      Partitions partitions = new Partitions();
      Instant day = Instant.parse("2026-04-02T00:00:00Z");
      partitions.ensureAhead(jdbi, day, 0);
      long dayNs = day.getEpochSecond() * 1_000_000_000L;
      // About 400 pages: three full 128-page ranges and a partial one.
      jdbi.useHandle(
          h ->
              h.execute(
                  "INSERT INTO spans (start_ns, duration_ns, resource_id, kind, status_code,"
                      + " trace_id, span_id, service, name)"
                      + " SELECT ? + g * 1000, 1000, 1, 2, 0, int8send(g), int8send(g),"
                      + " 'orders', repeat('x', 60) FROM generate_series(1, 40000) g",
                  dayNs));

      assertThat(partitions.summarizeStartTimes(jdbi)).isPositive();
      assertThat(partitions.summarizeStartTimes(jdbi)).isZero(); // only new ranges are read
    }
  }

  static List<String> tables(Jdbi jdbi) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                .mapTo(String.class)
                .list());
  }
}
