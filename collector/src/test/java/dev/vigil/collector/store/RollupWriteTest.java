package dev.vigil.collector.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.collector.model.RollupBatch;
import dev.vigil.collector.model.TelemetryBatch;
import dev.vigil.testing.PostgresExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Rollup rows written in several transactions, each with several keys, add up per key. */
class RollupWriteTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  static final long MS = 1_000_000L;

  @Test
  void aggregatesOfManyKeysAddUpAcrossTransactions() {
    Store store = Store.builder(postgres.jdbcUrl()).open();
    store.migrate();
    TelemetryWriter writer = new TelemetryWriter(store.jdbi(), new Partitions());
    Instant minute0 = Instant.now().truncatedTo(ChronoUnit.HOURS);
    long t0 = Times.nanos(minute0);
    for (int round = 0; round < 3; round++) {
      RollupBatch batch = new RollupBatch();
      batch.addOperation("web", "GET /a", t0, 10 * MS, false);
      batch.addOperation("web", "GET /a", t0 + 60_000 * MS, 10 * MS, round == 0);
      batch.addOperation("web", "GET /b", t0, 900 * MS, true);
      batch.addOperation("api", "GET /c", t0, 20 * MS, false);
      batch.addEdge("web", "api", "service", t0, 20 * MS, false);
      batch.addEdge("api", "postgresql", "database", t0, 5 * MS, round == 1);
      writer.write(TelemetryBatch.EMPTY, batch);
    }

    RollupRepository rollups = new RollupRepository(store.jdbi());
    Instant to = minute0.plus(Duration.ofMinutes(2));
    assertThat(rollups.operations("web", minute0, to))
        .extracting(OperationSummary::operation, o -> o.red().requests(), o -> o.red().errors())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("GET /a", 6L, 1L),
            org.assertj.core.groups.Tuple.tuple("GET /b", 3L, 3L));
    assertThat(rollups.operations("web", minute0, to).get(1).red().p50Ns())
        .isBetween(600 * MS, 1300 * MS);
    assertThat(rollups.operations("api", minute0, to).get(0).red().p50Ns())
        .isBetween(10 * MS, 30 * MS);
    assertThat(rollups.dependencies(minute0, to))
        .extracting(
            e -> e.caller() + ">" + e.callee(), e -> e.calleeType(), e -> e.red().requests())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("web>api", "service", 3L),
            org.assertj.core.groups.Tuple.tuple("api>postgresql", "database", 3L));
    assertThat(
            rollups.dependencies(minute0, to).stream()
                .filter(e -> e.callee().equals("postgresql"))
                .map(e -> e.red().errors())
                .toList())
        .isEqualTo(List.of(1L));
  }
}
