package dev.vigil.collector.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.collector.ingest.Rollups;
import dev.vigil.collector.model.LogRow;
import dev.vigil.collector.model.ResourceRow;
import dev.vigil.collector.model.SpanRow;
import dev.vigil.collector.model.TelemetryBatch;
import dev.vigil.testing.PostgresExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The read-side repositories against rows written by the real writer with controlled times, so
 * every filter and aggregate has an exact expected answer.
 */
class RepositoryTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  static final Instant MINUTE0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS);
  static final long T0 = Times.nanos(MINUTE0);
  static final long MS = 1_000_000L;
  static final long MINUTE = 60_000 * MS;

  static Store store;
  static int nextId = 1;

  static byte[] traceId(int n) {
    byte[] id = new byte[16];
    id[15] = (byte) n;
    id[0] = 1;
    return id;
  }

  static byte[] spanId(int n) {
    byte[] id = new byte[8];
    id[7] = (byte) n;
    id[6] = (byte) (n >> 8);
    id[0] = 2;
    return id;
  }

  static SpanRow span(
      int trace,
      int id,
      @Nullable Integer parent,
      String service,
      String name,
      int kind,
      long startNs,
      long durationNs,
      boolean error,
      @Nullable String attributes) {
    return new SpanRow(
        traceId(trace),
        spanId(id),
        parent == null ? null : spanId(parent),
        startNs,
        durationNs,
        service.hashCode(),
        service,
        name,
        kind,
        error ? 2 : 0,
        error ? "failed" : null,
        "scope",
        attributes,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  @BeforeAll
  static void write() {
    store = Store.builder(postgres.jdbcUrl()).open();
    store.migrate();
    List<SpanRow> spans = new ArrayList<>();
    // Minute 0: trace 1 fast OK, trace 2 slow error; minute 1: trace 3 with a checkout call.
    spans.add(span(1, 1, null, "web", "GET /a", SpanRow.KIND_SERVER, T0, 10 * MS, false, null));
    spans.add(span(1, 2, 1, "web", "render", SpanRow.KIND_INTERNAL, T0 + MS, 5 * MS, false, null));
    spans.add(
        span(
            2,
            3,
            null,
            "web",
            "GET /b",
            SpanRow.KIND_SERVER,
            T0 + 2 * MS,
            900 * MS,
            true,
            "{\"http.route\":\"/b\",\"tenant\":\"acme\"}"));
    spans.add(
        span(3, 4, null, "web", "GET /a", SpanRow.KIND_SERVER, T0 + MINUTE, 20 * MS, false, null));
    spans.add(
        span(
            3,
            5,
            4,
            "checkout",
            "POST /pay",
            SpanRow.KIND_SERVER,
            T0 + MINUTE + MS,
            15 * MS,
            false,
            null));
    List<ResourceRow> resources =
        List.of(
            new ResourceRow("web".hashCode(), T0, "web", "{\"service.name\":\"web\"}"),
            new ResourceRow(
                "checkout".hashCode(), T0, "checkout", "{\"service.name\":\"checkout\"}"));
    List<LogRow> logs =
        List.of(
            new LogRow(
                T0,
                "web".hashCode(),
                9,
                traceId(2),
                spanId(3),
                "web",
                "INFO",
                "handling 50% of /b",
                null,
                null),
            new LogRow(
                T0 + MS,
                "web".hashCode(),
                17,
                traceId(2),
                spanId(3),
                "web",
                "ERROR",
                "payment_failed",
                null,
                "{\"code\":7}"));
    Rollups rollups = new Rollups(1000, Long.MAX_VALUE / 4, System::nanoTime);
    new TelemetryWriter(store.jdbi(), new Partitions())
        .write(new TelemetryBatch(resources, spans, logs, List.of()), rollups.aggregate(spans));
  }

  @AfterAll
  static void close() {
    store.close();
  }

  static TraceQuery.Builder window() {
    return TraceQuery.builder(MINUTE0, MINUTE0.plus(Duration.ofMinutes(5)));
  }

  @Test
  void findTraceReturnsAllSpansInStartOrderWithResource() {
    Trace trace = new TraceRepository(store.jdbi()).findTrace(Ids.hex(traceId(3))).orElseThrow();

    assertThat(trace.spans()).extracting(StoredSpan::name).containsExactly("GET /a", "POST /pay");
    assertThat(trace.spans().get(1).parentSpanId()).isEqualTo(trace.spans().get(0).spanId());
    assertThat(trace.spans().get(1).resourceJson()).contains("checkout");
    assertThat(new TraceRepository(store.jdbi()).findTrace("0".repeat(31) + "9")).isEmpty();
  }

  @Test
  void searchFiltersByServiceOperationDurationErrorsAndAttribute() {
    TraceRepository traces = new TraceRepository(store.jdbi());

    assertThat(traces.searchTraces(window().service("web").build()))
        .extracting(TraceSummary::traceId)
        .containsExactly(Ids.hex(traceId(3)), Ids.hex(traceId(2)), Ids.hex(traceId(1)));
    assertThat(traces.searchTraces(window().operation("GET /a").build())).hasSize(2);
    assertThat(traces.searchTraces(window().minDuration(Duration.ofMillis(100)).build()))
        .extracting(TraceSummary::traceId)
        .containsExactly(Ids.hex(traceId(2)));
    assertThat(traces.searchTraces(window().maxDuration(Duration.ofMillis(16)).build()))
        .extracting(TraceSummary::traceId)
        .containsExactlyInAnyOrder(Ids.hex(traceId(1)), Ids.hex(traceId(3)));
    assertThat(traces.searchTraces(window().errorsOnly(true).build()))
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.rootName()).isEqualTo("GET /b");
              assertThat(t.errorCount()).isEqualTo(1);
            });
    assertThat(traces.searchTraces(window().attribute("tenant", "acme").build())).hasSize(1);
    assertThat(traces.searchTraces(window().limit(1).build()))
        .extracting(TraceSummary::traceId)
        .containsExactly(Ids.hex(traceId(3)));
    TraceSummary cross = traces.searchTraces(window().service("checkout").build()).get(0);
    assertThat(cross.rootService()).isEqualTo("web");
    assertThat(cross.spanCount()).isEqualTo(2);
    assertThat(cross.services()).containsExactlyInAnyOrder("web", "checkout");
    assertThat(cross.durationNs()).isEqualTo(20 * MS);
  }

  @Test
  void servicesOperationsAndRedSeriesComeFromTheRollups() {
    RollupRepository rollups = new RollupRepository(store.jdbi());
    Instant to = MINUTE0.plus(Duration.ofMinutes(2));

    ServiceSummary web =
        rollups.services(MINUTE0, to).stream()
            .filter(s -> s.service().equals("web"))
            .findFirst()
            .orElseThrow();
    assertThat(web.red().requests()).isEqualTo(3);
    assertThat(web.red().errors()).isEqualTo(1);
    assertThat(web.red().ratePerSecond()).isEqualTo(3 / 120.0);
    assertThat(web.red().p99Ns()).isBetween(600 * MS, 1300 * MS);
    assertThat(web.red().p50Ns()).isBetween(10 * MS, 30 * MS);

    assertThat(rollups.operations("web", MINUTE0, to))
        .extracting(OperationSummary::operation, o -> o.red().requests())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("GET /a", 2L),
            org.assertj.core.groups.Tuple.tuple("GET /b", 1L));

    List<RedPoint> series = rollups.red("web", null, MINUTE0, to, Duration.ofMinutes(1));
    assertThat(series).extracting(RedPoint::startNs).containsExactly(T0, T0 + MINUTE);
    assertThat(series).extracting(p -> p.red().requests()).containsExactly(2L, 1L);
    assertThat(series.get(0).red().errorRate()).isEqualTo(0.5);
    assertThat(rollups.red("web", "GET /b", MINUTE0, to, Duration.ofMinutes(2)))
        .singleElement()
        .satisfies(p -> assertThat(p.red().errors()).isEqualTo(1));

    assertThat(rollups.dependencies(MINUTE0, to))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.caller()).isEqualTo("web");
              assertThat(e.callee()).isEqualTo("checkout");
              assertThat(e.red().requests()).isEqualTo(1);
            });
  }

  @Test
  void logSearchFiltersBySeverityTraceAndLiteralText() {
    LogRepository logs = new LogRepository(store.jdbi());
    Instant to = MINUTE0.plus(Duration.ofMinutes(1));

    assertThat(logs.search(LogQuery.builder(MINUTE0, to).minSeverity(17).build()))
        .extracting(StoredLog::body)
        .containsExactly("payment_failed");
    assertThat(logs.search(LogQuery.builder(MINUTE0, to).traceId(Ids.hex(traceId(2))).build()))
        .hasSize(2);
    assertThat(logs.search(LogQuery.builder(MINUTE0, to).text("50%").build()))
        .extracting(StoredLog::body)
        .containsExactly("handling 50% of /b");
    assertThat(logs.search(LogQuery.builder(MINUTE0, to).text("t_f").build()))
        .extracting(StoredLog::body)
        .containsExactly("payment_failed");
    assertThat(logs.search(LogQuery.builder(MINUTE0, to).text("x%y").build())).isEmpty();
  }
}
