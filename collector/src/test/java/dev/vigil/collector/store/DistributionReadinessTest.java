package dev.vigil.collector.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.PostgresExtension;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The schema keeps what docs/operations.md ("Scaling out the telemetry tables with Citus") relies
 * on, so the telemetry tables can be distributed without changing the collector: every unique
 * constraint of a distributed table includes its distribution column, that column is never NULL,
 * and foreign keys point only at tables that stay whole (reference tables).
 */
class DistributionReadinessTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  /** Table -> the column the guide distributes it by. */
  static final Map<String, String> DISTRIBUTED =
      Map.of("spans", "trace_id", "log_records", "resource_id", "metric_points", "resource_id");

  /** Tables the guide keeps whole on the coordinator or makes reference tables. */
  static final List<String> KEPT_WHOLE =
      List.of("resources", "operation_minutes", "dependency_minutes");

  static Jdbi jdbi;

  @BeforeAll
  static void migrate() {
    try (Store store = Store.builder(postgres.jdbcUrl()).open()) {
      store.migrate();
    }
    jdbi = Jdbi.create(postgres.jdbcUrl());
  }

  @Test
  void everyUniqueConstraintOfADistributedTableIncludesItsDistributionColumn() {
    DISTRIBUTED.forEach(
        (table, column) -> {
          List<String> uniqueWithout =
              jdbi.withHandle(
                  h ->
                      h.createQuery(
                              """
                              SELECT i.indexrelid::regclass::text
                              FROM pg_index i
                              WHERE i.indrelid = CAST(:t AS regclass) AND i.indisunique
                                AND NOT EXISTS (
                                  SELECT 1 FROM pg_attribute a
                                  WHERE a.attrelid = i.indrelid AND a.attname = :c
                                    AND a.attnum = ANY (i.indkey))
                              """)
                          .bind("t", table)
                          .bind("c", column)
                          .mapTo(String.class)
                          .list());
          assertThat(uniqueWithout).as("unique indexes of %s without %s", table, column).isEmpty();
        });
  }

  @Test
  void distributionColumnsAreNeverNull() {
    DISTRIBUTED.forEach(
        (table, column) -> {
          boolean notNull =
              jdbi.withHandle(
                  h ->
                      h.createQuery(
                              "SELECT attnotnull FROM pg_attribute"
                                  + " WHERE attrelid = CAST(:t AS regclass) AND attname = :c")
                          .bind("t", table)
                          .bind("c", column)
                          .mapTo(Boolean.class)
                          .one());
          assertThat(notNull).as("%s.%s NOT NULL", table, column).isTrue();
        });
  }

  @Test
  void foreignKeysOfDistributedTablesPointOnlyAtTablesKeptWhole() {
    for (String table : DISTRIBUTED.keySet()) {
      List<String> targets =
          jdbi.withHandle(
              h ->
                  h.createQuery(
                          "SELECT confrelid::regclass::text FROM pg_constraint"
                              + " WHERE conrelid = CAST(:t AS regclass) AND contype = 'f'")
                      .bind("t", table)
                      .mapTo(String.class)
                      .list());
      assertThat(targets).as("foreign keys of %s", table).isSubsetOf(KEPT_WHOLE);
    }
  }

  @Test
  void everyTableTheGuideNamesExists() {
    List<String> tables =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid ="
                            + " c.relnamespace WHERE n.nspname = current_schema()"
                            + " AND c.relkind IN ('r', 'p')")
                    .mapTo(String.class)
                    .list());
    assertThat(tables).containsAll(DISTRIBUTED.keySet()).containsAll(KEPT_WHOLE);
  }
}
