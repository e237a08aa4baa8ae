package dev.vigil.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Everything the hand-written encoder writes is decoded here with the official OTLP classes. */
class OtlpEncoderTest {
  private final OtlpEncoder encoder =
      new OtlpEncoder(new Object[] {"service.name", "orders", "process.pid", 42L}, "1.2.3");
  private final ProtoWriter writer = new ProtoWriter(16);

  private static Map<String, Object> attrs(List<KeyValue> kvs) {
    return kvs.stream()
        .collect(
            Collectors.toMap(
                KeyValue::getKey,
                kv -> {
                  switch (kv.getValue().getValueCase()) {
                    case STRING_VALUE:
                      return kv.getValue().getStringValue();
                    case INT_VALUE:
                      return kv.getValue().getIntValue();
                    case BOOL_VALUE:
                      return kv.getValue().getBoolValue();
                    case DOUBLE_VALUE:
                      return kv.getValue().getDoubleValue();
                    default:
                      return kv.getValue().toString();
                  }
                }));
  }

  @Test
  void spansDecodeWithTheOfficialProtoClasses() throws Exception {
    SpanContext remote =
        TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "k=v");
    Span span = Tracer.startWithParent("SELECT orders", SpanKind.CLIENT, remote, "test");
    span.setAttribute("db.system", "postgresql");
    span.setAttribute("server.port", 5432L);
    span.setAttribute("flag", true);
    span.setAttribute("unicode", "héllo ✓ \uD83D\uDE00");
    span.setAttribute("long", "x".repeat(20_000));
    span.addLink(
        TraceParent.parse("00-11111111111111111111111111111111-2222222222222222-01", null));
    span.recordException(new IllegalStateException("boom"));
    span.end();

    writer.reset();
    encoder.encodeSpans(writer, List.of(span));
    ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(writer.toByteArray());

    assertThat(attrs(req.getResourceSpans(0).getResource().getAttributesList()))
        .containsEntry("service.name", "orders")
        .containsEntry("process.pid", 42L);
    assertThat(req.getResourceSpans(0).getScopeSpans(0).getScope().getName())
        .isEqualTo("dev.vigil.agent");
    io.opentelemetry.proto.trace.v1.Span s = req.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertThat(s.getName()).isEqualTo("SELECT orders");
    assertThat(s.getKind())
        .isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(s.getTraceId()).isEqualTo(ByteString.fromHex("4bf92f3577b34da6a3ce929d0e0e4736"));
    assertThat(s.getParentSpanId()).isEqualTo(ByteString.fromHex("00f067aa0ba902b7"));
    assertThat(s.getSpanId().size()).isEqualTo(8);
    assertThat(s.getTraceState()).isEqualTo("k=v");
    assertThat(s.getStartTimeUnixNano()).isPositive();
    assertThat(s.getEndTimeUnixNano()).isGreaterThanOrEqualTo(s.getStartTimeUnixNano());
    assertThat(s.getFlags() & 0xff).isEqualTo(1);
    Map<String, Object> a = attrs(s.getAttributesList());
    assertThat(a)
        .containsEntry("db.system", "postgresql")
        .containsEntry("server.port", 5432L)
        .containsEntry("flag", true)
        .containsEntry("unicode", "héllo ✓ \uD83D\uDE00");
    assertThat((String) a.get("long")).hasSize(20_000);
    assertThat(s.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(s.getStatus().getMessage()).isEqualTo("boom");
    assertThat(s.getEvents(0).getName()).isEqualTo("exception");
    assertThat(attrs(s.getEvents(0).getAttributesList()))
        .containsEntry("exception.type", "java.lang.IllegalStateException")
        .containsEntry("exception.message", "boom");
    assertThat((String) attrs(s.getEvents(0).getAttributesList()).get("exception.stacktrace"))
        .contains("OtlpEncoderTest");
    assertThat(s.getLinks(0).getSpanId()).isEqualTo(ByteString.fromHex("2222222222222222"));
  }

  @Test
  void logRecordsCarryTraceAndSpanIds() throws Exception {
    SpanContext ctx =
        TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null);
    LogRecordData r =
        new LogRecordData(
            1_700_000_000_000_000_000L,
            LogLevels.WARN,
            "WARN",
            "disk almost full",
            "app.Disk",
            "main",
            ctx,
            "java.io.IOException",
            "no space",
            "trace");
    LogRecordData plain =
        new LogRecordData(1L, LogLevels.INFO, "INFO", "hi", "app", "main", null, null, null, null);
    writer.reset();
    encoder.encodeLogs(writer, List.of(r, plain));
    ExportLogsServiceRequest req = ExportLogsServiceRequest.parseFrom(writer.toByteArray());
    LogRecord l = req.getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
    assertThat(l.getBody().getStringValue()).isEqualTo("disk almost full");
    assertThat(l.getSeverityNumber()).isEqualTo(SeverityNumber.SEVERITY_NUMBER_WARN);
    assertThat(l.getSeverityText()).isEqualTo("WARN");
    assertThat(l.getTimeUnixNano()).isEqualTo(1_700_000_000_000_000_000L);
    assertThat(l.getTraceId()).isEqualTo(ByteString.fromHex("4bf92f3577b34da6a3ce929d0e0e4736"));
    assertThat(l.getSpanId()).isEqualTo(ByteString.fromHex("00f067aa0ba902b7"));
    assertThat(l.getFlags()).isEqualTo(1);
    assertThat(attrs(l.getAttributesList()))
        .containsEntry("logger.name", "app.Disk")
        .containsEntry("exception.type", "java.io.IOException");
    LogRecord p = req.getResourceLogs(0).getScopeLogs(0).getLogRecords(1);
    assertThat(p.getTraceId()).isEmpty();
    assertThat(p.getSeverityNumber()).isEqualTo(SeverityNumber.SEVERITY_NUMBER_INFO);
  }

  @Test
  void metricsDecodeAsGaugesCumulativeSumsAndHistograms() throws Exception {
    writer.reset();
    encoder.beginMetrics(writer);
    encoder.beginMetric(writer, "jvm.thread.count", "threads", "{thread}", OtlpEncoder.GAUGE);
    encoder.longPoint(writer, 0, 5, 12);
    encoder.endMetric(writer, OtlpEncoder.GAUGE, false);
    encoder.beginMetric(writer, "vigil.requests", "", "{request}", OtlpEncoder.SUM);
    encoder.longPoint(writer, 1, 5, 0, "endpoint", "Orders.Create");
    encoder.longPoint(writer, 1, 5, -3, "endpoint", "neg");
    encoder.endMetric(writer, OtlpEncoder.SUM, true);
    encoder.beginMetric(writer, "vigil.request.duration", "", "ms", OtlpEncoder.HISTOGRAM);
    encoder.histogramPoint(
        writer, 1, 5, 3, 12.5, new long[] {1, 2, 0}, new double[] {5, 10}, "span.kind", "server");
    encoder.endMetric(writer, OtlpEncoder.HISTOGRAM, false);
    encoder.beginMetric(writer, "jvm.cpu.recent_utilization", "", "1", OtlpEncoder.GAUGE);
    encoder.doublePoint(writer, 0, 5, 0.25);
    encoder.endMetric(writer, OtlpEncoder.GAUGE, false);
    encoder.endMetrics(writer);

    ExportMetricsServiceRequest req = ExportMetricsServiceRequest.parseFrom(writer.toByteArray());
    List<Metric> metrics = req.getResourceMetrics(0).getScopeMetrics(0).getMetricsList();
    assertThat(metrics)
        .extracting(Metric::getName)
        .containsExactly(
            "jvm.thread.count",
            "vigil.requests",
            "vigil.request.duration",
            "jvm.cpu.recent_utilization");
    assertThat(metrics.get(0).getGauge().getDataPoints(0).getAsInt()).isEqualTo(12);
    assertThat(metrics.get(1).getSum().getIsMonotonic()).isTrue();
    assertThat(metrics.get(1).getSum().getAggregationTemporality().getNumber()).isEqualTo(2);
    assertThat(metrics.get(1).getSum().getDataPoints(0).getAsInt()).isZero();
    assertThat(metrics.get(1).getSum().getDataPoints(0).hasAsInt()).isTrue();
    assertThat(metrics.get(1).getSum().getDataPoints(1).getAsInt()).isEqualTo(-3);
    assertThat(attrs(metrics.get(1).getSum().getDataPoints(0).getAttributesList()))
        .containsEntry("endpoint", "Orders.Create");
    HistogramDataPoint h = metrics.get(2).getHistogram().getDataPoints(0);
    assertThat(h.getCount()).isEqualTo(3);
    assertThat(h.getSum()).isEqualTo(12.5);
    assertThat(h.getBucketCountsList()).containsExactly(1L, 2L, 0L);
    assertThat(h.getExplicitBoundsList()).containsExactly(5.0, 10.0);
    assertThat(metrics.get(3).getGauge().getDataPoints(0).getAsDouble()).isEqualTo(0.25);
  }

  @Test
  void nestedLengthsOfEverySizeRoundTrip() throws Exception {
    for (int len : new int[] {0, 1, 126, 127, 128, 16_383, 16_384, 2_100_000}) {
      Span span = Tracer.startWithParent("s", SpanKind.INTERNAL, null, "test");
      span.setAttribute("v", "y".repeat(len));
      span.end();
      writer.reset();
      encoder.encodeSpans(writer, List.of(span));
      ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(writer.toByteArray());
      assertThat(
              req.getResourceSpans(0)
                  .getScopeSpans(0)
                  .getSpans(0)
                  .getAttributes(0)
                  .getValue()
                  .getStringValue())
          .hasSize(len);
    }
  }
}
