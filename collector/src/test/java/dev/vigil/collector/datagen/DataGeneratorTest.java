package dev.vigil.collector.datagen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.collector.store.DependencyEdge;
import dev.vigil.collector.store.LogQuery;
import dev.vigil.collector.store.LogRepository;
import dev.vigil.collector.store.MetricRepository;
import dev.vigil.collector.store.RollupRepository;
import dev.vigil.collector.store.ServiceSummary;
import dev.vigil.collector.store.Store;
import dev.vigil.collector.store.StoredLog;
import dev.vigil.collector.store.StoredSpan;
import dev.vigil.collector.store.Trace;
import dev.vigil.collector.store.TraceQuery;
import dev.vigil.collector.store.TraceRepository;
import dev.vigil.collector.store.TraceSummary;
import dev.vigil.testing.PostgresExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A few thousand generated spans, read back through the repositories the query API uses. */
class DataGeneratorTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  static final Instant END = Instant.now().truncatedTo(ChronoUnit.MINUTES);
  static final Instant FROM = END.minus(Duration.ofHours(2));

  static Store store;
  static DataGenerator.Summary summary;

  @BeforeAll
  static void generate() throws InterruptedException {
    store = Store.builder(postgres.jdbcUrl()).open();
    store.migrate();
    DataGenerator.Options options =
        DataGenerator.Options.parse(
            "--db-url=" + postgres.jdbcUrl(),
            "--spans=4000",
            "--hours=2",
            "--end=" + END,
            "--batch-spans=500",
            "--writers=2");
    summary = new DataGenerator(options).run(store, false);
  }

  @AfterAll
  static void close() {
    store.close();
  }

  @Test
  void writesTheRequestedSpansOverTheWindowWithoutRejections() {
    assertThat(summary.spans()).isBetween(4000L, 4200L);
    assertThat(summary.rejected()).isZero();
    assertThat(summary.from()).isEqualTo(FROM);
    assertThat(summary.to()).isEqualTo(END);
    long stored =
        store
            .jdbi()
            .withHandle(h -> h.createQuery("SELECT count(*) FROM spans").mapTo(Long.class).one());
    assertThat(stored).isEqualTo(summary.spans());
  }

  @Test
  void servicesHaveRatesErrorsAndLatenciesFromTheRollups() {
    List<ServiceSummary> services = new RollupRepository(store.jdbi()).services(FROM, END);
    assertThat(services).hasSizeGreaterThanOrEqualTo(20);
    long requests = services.stream().mapToLong(s -> s.red().requests()).sum();
    long errors = services.stream().mapToLong(s -> s.red().errors()).sum();
    long servedSpans =
        store
            .jdbi()
            .withHandle(
                h ->
                    h.createQuery("SELECT count(*) FROM spans WHERE kind IN (2, 5)")
                        .mapTo(Long.class)
                        .one());
    assertThat(requests).isEqualTo(servedSpans);
    assertThat((double) errors / requests).isBetween(0.002, 0.1);
    assertThat(services.get(0).red().p99Ns()).isGreaterThan(services.get(0).red().p50Ns());
  }

  @Test
  void dependenciesReachServicesDatabasesBrokersAndExternalApis() {
    List<DependencyEdge> edges = new RollupRepository(store.jdbi()).dependencies(FROM, END);
    Set<String> types = edges.stream().map(DependencyEdge::calleeType).collect(Collectors.toSet());
    assertThat(types).contains("service", "database", "messaging");
    assertThat(edges).noneMatch(e -> e.caller().equals(e.callee()));
  }

  @Test
  void searchedTracesSpanSeveralServicesAndOpenWhole() {
    TraceRepository traces = new TraceRepository(store.jdbi());
    List<TraceSummary> hits =
        traces.searchTraces(TraceQuery.builder(FROM, END).service("checkout").limit(5).build());
    assertThat(hits).isNotEmpty().anyMatch(hit -> hit.services().size() > 2);
    for (TraceSummary hit : hits) {
      Trace trace = traces.findTrace(hit.traceId()).orElseThrow();
      assertThat(trace.spans()).hasSize(hit.spanCount());
      Set<String> ids = trace.spans().stream().map(StoredSpan::spanId).collect(Collectors.toSet());
      assertThat(trace.spans())
          .allMatch(s -> s.parentSpanId() == null || ids.contains(s.parentSpanId()));
      assertThat(trace.spans().stream().filter(s -> s.parentSpanId() == null)).hasSize(1);
    }
    List<TraceSummary> failed =
        traces.searchTraces(TraceQuery.builder(FROM, END).errorsOnly(true).limit(10).build());
    assertThat(failed).isNotEmpty().allMatch(t -> t.errorCount() > 0);
    List<TraceSummary> tenant =
        traces.searchTraces(
            TraceQuery.builder(FROM, END).attribute("tenant.id", "tenant-1").build());
    assertThat(tenant).isNotEmpty();
  }

  @Test
  void errorLogsCarryTheTraceThatFailed() {
    List<StoredLog> logs =
        new LogRepository(store.jdbi())
            .search(LogQuery.builder(FROM, END).minSeverity(17).limit(5).build());
    assertThat(logs).isNotEmpty();
    TraceRepository traces = new TraceRepository(store.jdbi());
    for (StoredLog log : logs) {
      Trace trace = traces.findTrace(log.traceId()).orElseThrow();
      assertThat(trace.spans())
          .anyMatch(s -> s.spanId().equals(log.spanId()) && s.statusCode() == 2);
    }
  }

  @Test
  void everyInstanceReportsJvmGauges() {
    MetricRepository metrics = new MetricRepository(store.jdbi());
    assertThat(metrics.names("orders", FROM, END))
        .contains("jvm.memory.used", "jvm.thread.count", "process.cpu.utilization");
    assertThat(metrics.series("jvm.memory.used", "orders", null, END.minusSeconds(600), END, 1000))
        .hasSizeGreaterThanOrEqualTo(10);
  }
}
