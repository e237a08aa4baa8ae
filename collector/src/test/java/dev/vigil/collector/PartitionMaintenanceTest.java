package dev.vigil.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.collector.store.Partitions;
import dev.vigil.collector.store.Store;
import dev.vigil.testing.PostgresExtension;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PartitionMaintenanceTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

  @Test
  void startedCollectorCreatesDaysAheadAndDropsDaysPastEachSignalsRetention() throws Exception {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    LocalDate old = today.minusDays(10);
    try (Store store = Store.builder(postgres.jdbcUrl()).open()) {
      store.migrate();
      Partitions partitions = new Partitions();
      for (String table : List.of("spans", "log_records", "metric_points")) {
        store.jdbi().useTransaction(h -> partitions.ensure(h, table, old));
      }
    }

    try (CollectorServer collector =
        TestCollector.start(
            postgres, b -> b.traceRetentionDays(3).logRetentionDays(30).metricRetentionDays(3))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while ((tables(collector).contains("metric_points_" + DAY.format(old))
              || !tables(collector).contains("dependency_minutes_" + DAY.format(today.plusDays(1))))
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      List<String> tables = tables(collector);

      assertThat(tables)
          .doesNotContain("spans_" + DAY.format(old), "metric_points_" + DAY.format(old))
          .contains("log_records_" + DAY.format(old))
          .contains(
              "spans_" + DAY.format(today),
              "spans_" + DAY.format(today.plusDays(2)),
              "dependency_minutes_" + DAY.format(today.plusDays(1)));
    }
  }

  static List<String> tables(CollectorServer collector) {
    return collector
        .store()
        .jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                    .mapTo(String.class)
                    .list());
  }
}
