package dev.vigil.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.collector.store.LogQuery;
import dev.vigil.collector.store.LogRepository;
import dev.vigil.collector.store.MetricPoint;
import dev.vigil.collector.store.MetricRepository;
import dev.vigil.collector.store.RollupRepository;
import dev.vigil.collector.store.StoredLog;
import dev.vigil.collector.store.StoredSpan;
import dev.vigil.collector.store.Trace;
import dev.vigil.collector.store.TraceQuery;
import dev.vigil.collector.store.TraceRepository;
import dev.vigil.testing.PostgresExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OpenTelemetry Java SDK's own OTLP/HTTP exporters send to a real collector; what they sent is
 * read back through the repositories right after the export succeeds (a success means committed).
 */
class OtlpSdkIntegrationTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  static final ObjectMapper JSON = new ObjectMapper();
  static CollectorServer collector;

  @BeforeAll
  static void start() {
    collector = TestCollector.start(postgres);
  }

  @AfterAll
  static void stop() {
    collector.close();
  }

  static Resource resource(String service) {
    return Resource.getDefault()
        .merge(
            Resource.create(
                Attributes.of(
                    AttributeKey.stringKey("service.name"),
                    service,
                    AttributeKey.stringKey("deployment.environment"),
                    "test")));
  }

  @Test
  void sdkTracesAreStoredWithIdsParentageAttributesEventsStatusAndResource() throws Exception {
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder()
            .setEndpoint(TestCollector.url(collector, "/v1/traces"))
            .setCompression("gzip")
            .build();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(resource("checkout"))
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();
    Tracer tracer = provider.get("vigil-test", "1.0");
    Span root =
        tracer
            .spanBuilder("GET /checkout")
            .setSpanKind(SpanKind.SERVER)
            .setAttribute("http.request.method", "GET")
            .setAttribute("http.response.status_code", 200L)
            .startSpan();
    Span child;
    try (Scope ignored = root.makeCurrent()) {
      child =
          tracer
              .spanBuilder("SELECT orders")
              .setSpanKind(SpanKind.CLIENT)
              .setAttribute("db.system", "postgresql")
              .setAttribute("db.rows", 3L)
              .startSpan();
      child.addEvent("retry", Attributes.of(AttributeKey.longKey("attempt"), 2L));
      child.setStatus(StatusCode.ERROR, "deadlock detected");
      child.end();
    }
    root.end();
    assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    provider.close();

    String traceId = root.getSpanContext().getTraceId();
    Trace trace = new TraceRepository(collector.store().jdbi()).findTrace(traceId).orElseThrow();

    Map<String, StoredSpan> byName =
        trace.spans().stream().collect(Collectors.toMap(StoredSpan::name, Function.identity()));
    StoredSpan storedRoot = byName.get("GET /checkout");
    StoredSpan storedChild = byName.get("SELECT orders");
    assertThat(storedRoot.spanId()).isEqualTo(root.getSpanContext().getSpanId());
    assertThat(storedRoot.parentSpanId()).isNull();
    assertThat(storedRoot.kind()).isEqualTo(2);
    assertThat(storedRoot.service()).isEqualTo("checkout");
    assertThat(storedRoot.scope()).isEqualTo("vigil-test");
    assertThat(JSON.readTree(storedRoot.attributesJson()).get("http.response.status_code").asLong())
        .isEqualTo(200);
    assertThat(storedChild.spanId()).isEqualTo(child.getSpanContext().getSpanId());
    assertThat(storedChild.parentSpanId()).isEqualTo(storedRoot.spanId());
    assertThat(storedChild.kind()).isEqualTo(3);
    assertThat(storedChild.statusCode()).isEqualTo(2);
    assertThat(storedChild.statusMessage()).isEqualTo("deadlock detected");
    JsonNode events = JSON.readTree(storedChild.eventsJson());
    assertThat(events.get(0).get("name").asText()).isEqualTo("retry");
    assertThat(events.get(0).get("attributes").get("attempt").asLong()).isEqualTo(2);
    JsonNode resource = JSON.readTree(storedChild.resourceJson());
    assertThat(resource.get("service.name").asText()).isEqualTo("checkout");
    assertThat(resource.get("deployment.environment").asText()).isEqualTo("test");
    assertThat(resource.get("telemetry.sdk.language").asText()).isEqualTo("java");
    assertThat(storedChild.durationNs()).isPositive();

    Instant from = Instant.now().minus(Duration.ofHours(1));
    Instant to = Instant.now().plus(Duration.ofMinutes(1));
    assertThat(
            new TraceRepository(collector.store().jdbi())
                .searchTraces(
                    TraceQuery.builder(from, to).service("checkout").errorsOnly(true).build()))
        .anySatisfy(
            s -> {
              assertThat(s.traceId()).isEqualTo(traceId);
              assertThat(s.rootName()).isEqualTo("GET /checkout");
              assertThat(s.spanCount()).isEqualTo(2);
              assertThat(s.errorCount()).isEqualTo(1);
            });
    assertThat(
            new TraceRepository(collector.store().jdbi())
                .searchTraces(TraceQuery.builder(from, to).attribute("db.rows", "3").build()))
        .extracting(s -> s.traceId())
        .contains(traceId);

    RollupRepository rollups = new RollupRepository(collector.store().jdbi());
    assertThat(rollups.services(from, to))
        .anySatisfy(
            s -> {
              assertThat(s.service()).isEqualTo("checkout");
              assertThat(s.red().requests()).isGreaterThanOrEqualTo(1);
              assertThat(s.red().p99Ns()).isPositive();
            });
    assertThat(rollups.operations("checkout", from, to))
        .extracting(o -> o.operation())
        .contains("GET /checkout");
    assertThat(rollups.dependencies(from, to))
        .anySatisfy(
            e -> {
              assertThat(e.caller()).isEqualTo("checkout");
              assertThat(e.callee()).isEqualTo("postgresql");
              assertThat(e.calleeType()).isEqualTo("database");
              assertThat(e.red().errors()).isEqualTo(1);
            });
    assertThat(rollups.red("checkout", null, from, to, Duration.ofMinutes(1))).isNotEmpty();
  }

  @Test
  void sdkLogsAreStoredWithSeverityBodyAttributesAndTraceContext() throws Exception {
    SdkTracerProvider tracing =
        SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(new Capture(new ArrayList<>())))
            .build();
    Span span = tracing.get("t").spanBuilder("work").startSpan();
    SdkLoggerProvider provider =
        SdkLoggerProvider.builder()
            .setResource(resource("billing"))
            .addLogRecordProcessor(
                SimpleLogRecordProcessor.create(
                    OtlpHttpLogRecordExporter.builder()
                        .setEndpoint(TestCollector.url(collector, "/v1/logs"))
                        .build()))
            .build();
    provider
        .get("billing-logger")
        .logRecordBuilder()
        .setContext(Context.root().with(span))
        .setSeverity(Severity.WARN)
        .setSeverityText("WARN")
        .setBody("card declined for order 42")
        .setAttribute(AttributeKey.stringKey("order.id"), "42")
        .emit();
    assertThat(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    provider.close();
    span.end();
    tracing.close();

    List<StoredLog> logs =
        new LogRepository(collector.store().jdbi())
            .search(
                LogQuery.builder(Instant.now().minusSeconds(3600), Instant.now().plusSeconds(60))
                    .service("billing")
                    .minSeverity(13)
                    .text("DECLINED")
                    .build());

    assertThat(logs).hasSize(1);
    StoredLog log = logs.get(0);
    assertThat(log.body()).isEqualTo("card declined for order 42");
    assertThat(log.severityNumber()).isEqualTo(Severity.WARN.getSeverityNumber());
    assertThat(log.severityText()).isEqualTo("WARN");
    assertThat(log.traceId()).isEqualTo(span.getSpanContext().getTraceId());
    assertThat(log.spanId()).isEqualTo(span.getSpanContext().getSpanId());
    assertThat(log.scope()).isEqualTo("billing-logger");
    assertThat(JSON.readTree(log.attributesJson()).get("order.id").asText()).isEqualTo("42");
    assertThat(JSON.readTree(log.resourceJson()).get("service.name").asText()).isEqualTo("billing");
  }

  @Test
  void sdkMetricsAreStoredAsSumGaugeAndHistogramPoints() throws Exception {
    SdkMeterProvider provider =
        SdkMeterProvider.builder()
            .setResource(resource("inventory"))
            .registerMetricReader(
                PeriodicMetricReader.builder(
                        OtlpHttpMetricExporter.builder()
                            .setEndpoint(TestCollector.url(collector, "/v1/metrics"))
                            .build())
                    .setInterval(Duration.ofHours(1))
                    .build())
            .build();
    Meter meter = provider.get("inventory-meter");
    LongCounter counter = meter.counterBuilder("items.reserved").setUnit("1").build();
    counter.add(5, Attributes.of(AttributeKey.stringKey("warehouse"), "north"));
    counter.add(2, Attributes.of(AttributeKey.stringKey("warehouse"), "north"));
    meter.gaugeBuilder("stock.level").build().set(17.5);
    meter
        .histogramBuilder("reserve.duration")
        .setUnit("ms")
        .setExplicitBucketBoundariesAdvice(List.of(10.0, 100.0))
        .build()
        .record(42);
    CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
    assertThat(flushed.isSuccess()).isTrue();
    provider.close();

    MetricRepository metrics = new MetricRepository(collector.store().jdbi());
    Instant from = Instant.now().minusSeconds(3600);
    Instant to = Instant.now().plusSeconds(60);
    assertThat(metrics.names("inventory", from, to))
        .contains("items.reserved", "stock.level", "reserve.duration");
    MetricPoint sum = metrics.series("items.reserved", "inventory", null, from, to, 10).get(0);
    assertThat(sum.type()).isEqualTo("sum");
    assertThat(sum.value()).isEqualTo(7.0);
    assertThat(sum.unit()).isEqualTo("1");
    assertThat(JSON.readTree(sum.attributesJson()).get("warehouse").asText()).isEqualTo("north");
    MetricPoint gauge = metrics.series("stock.level", "inventory", null, from, to, 10).get(0);
    assertThat(gauge.type()).isEqualTo("gauge");
    assertThat(gauge.value()).isEqualTo(17.5);
    MetricPoint histogram =
        metrics.series("reserve.duration", "inventory", null, from, to, 10).get(0);
    assertThat(histogram.type()).isEqualTo("histogram");
    assertThat(histogram.count()).isEqualTo(1);
    assertThat(histogram.sum()).isEqualTo(42.0);
    assertThat(histogram.bounds()).containsExactly(10.0, 100.0);
    assertThat(histogram.counts()).containsExactly(0L, 1L, 0L);
  }

  @Test
  void sdkJsonEncodingWithHexIdsIsStoredLikeProtobuf() throws Exception {
    List<SpanData> captured = new ArrayList<>();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(resource("catalog"))
            .addSpanProcessor(SimpleSpanProcessor.create(new Capture(captured)))
            .build();
    Tracer tracer = provider.get("json-test");
    Span root = tracer.spanBuilder("GET /items").setSpanKind(SpanKind.SERVER).startSpan();
    try (Scope ignored = root.makeCurrent()) {
      tracer.spanBuilder("load").startSpan().end();
    }
    root.end();
    provider.close();
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    TraceRequestMarshaler.create(captured).writeJsonTo(json);

    HttpResponse<byte[]> response =
        TestCollector.post(collector, "/v1/traces", "application/json", json.toByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("{\n}");
    Trace trace =
        new TraceRepository(collector.store().jdbi())
            .findTrace(root.getSpanContext().getTraceId())
            .orElseThrow();
    assertThat(trace.spans()).hasSize(2);
    assertThat(trace.spans())
        .filteredOn(s -> s.name().equals("load"))
        .singleElement()
        .satisfies(s -> assertThat(s.parentSpanId()).isEqualTo(root.getSpanContext().getSpanId()));
  }

  @Test
  void callsBetweenTwoInstrumentedServicesBecomeOneDependencyEdge() {
    SdkTracerProvider frontend = provider("frontend");
    SdkTracerProvider cart = provider("cart");
    Span client =
        frontend
            .get("http-client")
            .spanBuilder("GET")
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute("server.address", "cart")
            .setAttribute("server.port", 8080L)
            .startSpan();
    // The server side continues the trace from propagated context, as W3C traceparent would.
    Span server =
        cart.get("http-server")
            .spanBuilder("GET /cart")
            .setParent(Context.root().with(Span.wrap(client.getSpanContext())))
            .setSpanKind(SpanKind.SERVER)
            .startSpan();
    server.end();
    client.end();
    assertThat(cart.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(frontend.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    cart.close();
    frontend.close();

    assertThat(
            new RollupRepository(collector.store().jdbi())
                .dependencies(Instant.now().minusSeconds(3600), Instant.now().plusSeconds(60)))
        .filteredOn(e -> e.caller().equals("frontend"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.callee()).isEqualTo("cart");
              assertThat(e.calleeType()).isEqualTo("service");
              assertThat(e.red().requests()).isEqualTo(1);
            });
  }

  static SdkTracerProvider provider(String service) {
    return SdkTracerProvider.builder()
        .setResource(resource(service))
        .addSpanProcessor(
            SimpleSpanProcessor.create(
                OtlpHttpSpanExporter.builder()
                    .setEndpoint(TestCollector.url(collector, "/v1/traces"))
                    .build()))
        .build();
  }

  /** Keeps exported spans in memory, standing in for the SDK's testing exporter. */
  record Capture(List<SpanData> spans) implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
      spans.addAll(batch);
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
