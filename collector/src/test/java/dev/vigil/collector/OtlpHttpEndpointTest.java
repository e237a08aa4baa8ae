package dev.vigil.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.vigil.collector.otlp.OtlpLimits;
import dev.vigil.collector.store.StoredSpan;
import dev.vigil.collector.store.TraceRepository;
import dev.vigil.testing.PostgresExtension;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every way a request can be refused or cut down, over real HTTP against a real collector. */
class OtlpHttpEndpointTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  static final ObjectMapper JSON = new ObjectMapper();
  static final SecureRandom RANDOM = new SecureRandom();
  static final String PROTOBUF = "application/x-protobuf";
  static final int MAX_BODY = 256 * 1024;

  static CollectorServer collector;
  static CollectorServer secured;

  @BeforeAll
  static void start() {
    collector =
        TestCollector.start(
            postgres,
            b ->
                b.maxBodyBytes(MAX_BODY)
                    .limits(
                        OtlpLimits.builder()
                            .maxAttributes(4)
                            .maxAttributeValueLength(16)
                            .maxEvents(2)
                            .maxNameLength(32)
                            .build()));
    secured = TestCollector.start(postgres, b -> b.tokens(List.of("s3cret", "other")));
  }

  @AfterAll
  static void stop() {
    collector.close();
    secured.close();
  }

  static byte[] id(int length) {
    byte[] id = new byte[length];
    RANDOM.nextBytes(id);
    id[0] |= 1;
    return id;
  }

  static Span.Builder span(byte[] traceId, String name) {
    long now = System.currentTimeMillis() * 1_000_000L;
    return Span.newBuilder()
        .setTraceId(ByteString.copyFrom(traceId))
        .setSpanId(ByteString.copyFrom(id(8)))
        .setName(name)
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(now - 5_000_000)
        .setEndTimeUnixNano(now);
  }

  static ExportTraceServiceRequest request(Span... spans) {
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(
                            KeyValue.newBuilder()
                                .setKey("service.name")
                                .setValue(AnyValue.newBuilder().setStringValue("edge"))))
                .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(List.of(spans))))
        .build();
  }

  static String statusMessage(byte[] protobufStatus) throws Exception {
    UnknownFieldSet fields = UnknownFieldSet.parseFrom(protobufStatus);
    return fields.getField(2).getLengthDelimitedList().get(0).toStringUtf8();
  }

  static byte[] gzip(byte[] data) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  @Test
  void undecodableProtobufIsRefusedWith400NamingTheProblem() throws Exception {
    HttpResponse<byte[]> response =
        TestCollector.post(collector, "/v1/traces", PROTOBUF, new byte[] {0x0a, (byte) 0xff, 0x7f});

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(statusMessage(response.body())).startsWith("invalid OTLP protobuf");
  }

  @Test
  void undecodableJsonIsRefusedWith400NamingTheProblem() throws Exception {
    HttpResponse<byte[]> response =
        TestCollector.post(
            collector,
            "/v1/logs",
            "application/json",
            "{\"resourceLogs\": [".getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode status = JSON.readTree(response.body());
    assertThat(status.get("code").asInt()).isEqualTo(3);
    assertThat(status.get("message").asText()).startsWith("invalid OTLP JSON");
  }

  @Test
  void jsonOfTheWrongShapeIsRefusedWith400() throws Exception {
    HttpResponse<byte[]> response =
        TestCollector.post(
            collector,
            "/v1/traces",
            "application/json",
            "{\"resourceSpans\": 7}".getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(400);
  }

  @Test
  void bodyOverTheLimitIsRefusedWith413() throws Exception {
    HttpResponse<byte[]> response =
        TestCollector.post(collector, "/v1/traces", PROTOBUF, new byte[MAX_BODY + 1]);

    assertThat(response.statusCode()).isEqualTo(413);
  }

  @Test
  void gzipBombIsRefusedWith413WithoutInflatingIt() throws Exception {
    byte[] bomb = gzip(new byte[64 * 1024 * 1024]);
    assertThat(bomb.length).isLessThan(MAX_BODY);

    HttpResponse<byte[]> response =
        TestCollector.post(collector, "/v1/traces", PROTOBUF, bomb, "Content-Encoding", "gzip");

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(statusMessage(response.body())).contains("decompressed");
  }

  @Test
  void corruptGzipIsRefusedWith400() throws Exception {
    HttpResponse<byte[]> response =
        TestCollector.post(
            collector, "/v1/traces", PROTOBUF, new byte[] {1, 2, 3, 4}, "Content-Encoding", "gzip");

    assertThat(response.statusCode()).isEqualTo(400);
  }

  @Test
  void gzipProtobufWithinTheLimitIsAccepted() throws Exception {
    byte[] traceId = id(16);
    HttpResponse<byte[]> response =
        TestCollector.post(
            collector,
            "/v1/traces",
            PROTOBUF,
            gzip(request(span(traceId, "zipped").build()).toByteArray()),
            "Content-Encoding",
            "gzip");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(ExportTraceServiceResponse.parseFrom(response.body()).hasPartialSuccess()).isFalse();
    assertThat(traces().findTrace(HexFormat.of().formatHex(traceId))).isPresent();
  }

  @Test
  void otherContentTypesAreRefusedWith415() throws Exception {
    HttpResponse<byte[]> response =
        TestCollector.post(collector, "/v1/traces", "text/plain", "hello".getBytes());

    assertThat(response.statusCode()).isEqualTo(415);
  }

  @Test
  void missingOrWrongBearerTokenIsRefusedWith401() throws Exception {
    byte[] body = request(span(id(16), "secured").build()).toByteArray();

    assertThat(TestCollector.post(secured, "/v1/traces", PROTOBUF, body).statusCode())
        .isEqualTo(401);
    assertThat(
            TestCollector.post(
                    secured, "/v1/traces", PROTOBUF, body, "Authorization", "Bearer wrong")
                .statusCode())
        .isEqualTo(401);
    assertThat(
            TestCollector.post(secured, "/v1/traces", PROTOBUF, body, "Authorization", "s3cret")
                .statusCode())
        .isEqualTo(401);
    assertThat(
            TestCollector.post(
                    secured, "/v1/traces", PROTOBUF, body, "Authorization", "Bearer other")
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void invalidIdsAreRejectedPerSpanWhileTheValidSpansAreStored() throws Exception {
    byte[] traceId = id(16);
    Span valid = span(traceId, "valid").build();
    Span shortTraceId = span(id(3), "short trace id").build();
    Span missingSpanId = span(traceId, "no span id").setSpanId(ByteString.EMPTY).build();
    Span badParent =
        span(traceId, "bad parent").setParentSpanId(ByteString.copyFrom(id(5))).build();

    HttpResponse<byte[]> response =
        TestCollector.post(
            collector,
            "/v1/traces",
            PROTOBUF,
            request(valid, shortTraceId, missingSpanId, badParent).toByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    ExportTraceServiceResponse parsed = ExportTraceServiceResponse.parseFrom(response.body());
    assertThat(parsed.getPartialSuccess().getRejectedSpans()).isEqualTo(3);
    assertThat(parsed.getPartialSuccess().getErrorMessage())
        .contains("invalid trace id length 3 (expected: 16)")
        .contains("invalid span id length 0 (expected: 8)")
        .contains("invalid parent span id length 5");
    assertThat(traces().findTrace(HexFormat.of().formatHex(traceId)).orElseThrow().spans())
        .extracting(StoredSpan::name)
        .containsExactly("valid");
    assertThat(scrape()).contains("vigil_collector_spans_dropped_total{signal=\"traces\"}");
  }

  @Test
  void invalidLogIdsAreRejectedPerRecordInJson() throws Exception {
    long now = System.currentTimeMillis() * 1_000_000L;
    ExportLogsServiceRequest request =
        ExportLogsServiceRequest.newBuilder()
            .addResourceLogs(
                ResourceLogs.newBuilder()
                    .addScopeLogs(
                        ScopeLogs.newBuilder()
                            .addLogRecords(
                                LogRecord.newBuilder()
                                    .setTimeUnixNano(now)
                                    .setBody(AnyValue.newBuilder().setStringValue("fine")))
                            .addLogRecords(
                                LogRecord.newBuilder()
                                    .setTimeUnixNano(now)
                                    .setTraceId(ByteString.copyFrom(id(16)))
                                    .setBody(AnyValue.newBuilder().setStringValue("bad")))))
            .build();
    String json = com.google.protobuf.util.JsonFormat.printer().print(request);
    // OTLP JSON carries hex ids; break the second record's id.
    String base64 = json.replaceAll("(?s).*\"traceId\": \"([^\"]+)\".*", "$1");
    json = json.replace(base64, "zz" + "0".repeat(30));

    HttpResponse<byte[]> response =
        TestCollector.post(
            collector, "/v1/logs", "application/json", json.getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(200);
    ExportLogsServiceResponse.Builder parsed = ExportLogsServiceResponse.newBuilder();
    com.google.protobuf.util.JsonFormat.parser()
        .merge(new String(response.body(), StandardCharsets.UTF_8), parsed);
    assertThat(parsed.getPartialSuccess().getRejectedLogRecords()).isEqualTo(1);
  }

  @Test
  void jsonWithHexIdsAndEnumNamesIsAccepted() throws Exception {
    String traceId = "5b8efff798038103d269b633813fc60c";
    long now = System.currentTimeMillis() * 1_000_000L;
    String json =
        """
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"js"}}]},
          "scopeSpans":[{"scope":{"name":"manual"},"spans":[
            {"traceId":"%s","spanId":"eee19b7ec3c1b174","name":"GET /","kind":"SPAN_KIND_SERVER",
             "startTimeUnixNano":"%d","endTimeUnixNano":"%d",
             "attributes":[{"key":"http.status","value":{"intValue":"500"}}],
             "status":{"code":2,"message":"oops"},"unknownField":true},
            {"traceId":"%s","spanId":"eee19b7ec3c1b175","parentSpanId":"eee19b7ec3c1b174",
             "name":"child","kind":3,"startTimeUnixNano":"%d","endTimeUnixNano":"%d"}]}]}]}
        """
            .formatted(traceId, now - 1000, now, traceId, now - 900, now - 100);

    HttpResponse<byte[]> response =
        TestCollector.post(
            collector, "/v1/traces", "application/json", json.getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(200);
    List<StoredSpan> spans = traces().findTrace(traceId).orElseThrow().spans();
    assertThat(spans).extracting(StoredSpan::spanId).contains("eee19b7ec3c1b174");
    StoredSpan root = spans.stream().filter(s -> s.name().equals("GET /")).findFirst().get();
    assertThat(root.kind()).isEqualTo(2);
    assertThat(root.statusCode()).isEqualTo(2);
    assertThat(root.attributesJson()).contains("500");
    StoredSpan child = spans.stream().filter(s -> s.name().equals("child")).findFirst().get();
    assertThat(child.parentSpanId()).isEqualTo("eee19b7ec3c1b174");
    assertThat(child.kind()).isEqualTo(3);
  }

  @Test
  void oversizedValuesAreTruncatedAndExtraAttributesAndEventsDroppedAndCounted() throws Exception {
    byte[] traceId = id(16);
    Span.Builder span = span(traceId, "a-very-long-operation-name-that-goes-on-and-on-and-on");
    for (int i = 0; i < 10; i++) {
      span.addAttributes(
          KeyValue.newBuilder()
              .setKey("k" + i)
              .setValue(AnyValue.newBuilder().setStringValue("x".repeat(100))));
    }
    for (int i = 0; i < 5; i++) {
      span.addEvents(Span.Event.newBuilder().setName("e" + i).setTimeUnixNano(1));
    }

    HttpResponse<byte[]> response =
        TestCollector.post(collector, "/v1/traces", PROTOBUF, request(span.build()).toByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    StoredSpan stored =
        traces().findTrace(HexFormat.of().formatHex(traceId)).orElseThrow().spans().get(0);
    assertThat(stored.name()).isEqualTo("a-very-long-operation-name-that-" + "...[truncated]");
    JsonNode attributes = JSON.readTree(stored.attributesJson());
    assertThat(attributes.size()).isEqualTo(4);
    assertThat(attributes.get("k0").asText()).isEqualTo("x".repeat(16) + "...[truncated]");
    assertThat(JSON.readTree(stored.eventsJson()).size()).isEqualTo(2);
    String metrics = scrape();
    assertThat(counter(metrics, "vigil_collector_truncated_total{signal=\"traces\"}"))
        .isGreaterThanOrEqualTo(5);
    assertThat(counter(metrics, "vigil_collector_attributes_dropped_total{signal=\"traces\"}"))
        .isGreaterThanOrEqualTo(6);
    assertThat(counter(metrics, "vigil_collector_events_dropped_total{signal=\"traces\"}"))
        .isGreaterThanOrEqualTo(3);
  }

  @Test
  void nulCharactersCannotPoisonABatch() throws Exception {
    byte[] traceId = id(16);
    Span span =
        span(traceId, "nul\u0000name")
            .addAttributes(
                KeyValue.newBuilder()
                    .setKey("k\u0000")
                    .setValue(AnyValue.newBuilder().setStringValue("v\u0000\\\t\n")))
            .build();

    HttpResponse<byte[]> response =
        TestCollector.post(collector, "/v1/traces", PROTOBUF, request(span).toByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(traces().findTrace(HexFormat.of().formatHex(traceId))).isPresent();
  }

  @Test
  void healthReadyAndMetricsAreServedOnTheOtlpPort() throws Exception {
    assertThat(TestCollector.get(collector, "/health").statusCode()).isEqualTo(200);
    assertThat(TestCollector.get(collector, "/ready").statusCode()).isEqualTo(200);
    HttpResponse<String> metrics = TestCollector.get(collector, "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("vigil_collector_messages_total{signal=\"logs\"}")
        .contains("vigil_collector_queue_depth_items")
        .contains("vigil_collector_commit_duration_seconds_bucket");
  }

  static TraceRepository traces() {
    return new TraceRepository(collector.store().jdbi());
  }

  static String scrape() throws Exception {
    return TestCollector.get(collector, "/metrics").body();
  }

  static double counter(String metrics, String series) {
    return metrics
        .lines()
        .filter(l -> l.startsWith(series + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
        .findFirst()
        .orElse(0);
  }
}
