package dev.vigil.console;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Builds OTLP export requests with exact ids and times, as an instrumented service would send. */
final class Otlp {
  private static final HexFormat HEX = HexFormat.of();

  private Otlp() {}

  static Resource resource(String service) {
    return Resource.newBuilder()
        .addAttributes(attr("service.name", service))
        .addAttributes(attr("host.name", "host-1"))
        .build();
  }

  static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  static KeyValue attr(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }

  static Span.Builder span(
      String traceId,
      String spanId,
      String parentSpanId,
      String name,
      Span.SpanKind kind,
      long startNs,
      long durationNs) {
    Span.Builder span =
        Span.newBuilder()
            .setTraceId(ByteString.copyFrom(HEX.parseHex(traceId)))
            .setSpanId(ByteString.copyFrom(HEX.parseHex(spanId)))
            .setName(name)
            .setKind(kind)
            .setStartTimeUnixNano(startNs)
            .setEndTimeUnixNano(startNs + durationNs);
    if (!parentSpanId.isEmpty()) {
      span.setParentSpanId(ByteString.copyFrom(HEX.parseHex(parentSpanId)));
    }
    return span;
  }

  static Status error(String message) {
    return Status.newBuilder()
        .setCode(Status.StatusCode.STATUS_CODE_ERROR)
        .setMessage(message)
        .build();
  }

  /** One request holding the spans of each service, in the order given. */
  static ExportTraceServiceRequest traces(Map<String, List<Span>> spansByService) {
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    spansByService.forEach(
        (service, spans) ->
            request.addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(resource(service))
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .setScope(
                                io.opentelemetry.proto.common.v1.InstrumentationScope.newBuilder()
                                    .setName("test"))
                            .addAllSpans(spans))));
    return request.build();
  }

  static LogRecord log(
      long timeNs, int severity, String severityText, String body, String traceId, String spanId) {
    LogRecord.Builder log =
        LogRecord.newBuilder()
            .setTimeUnixNano(timeNs)
            .setSeverityNumber(io.opentelemetry.proto.logs.v1.SeverityNumber.forNumber(severity))
            .setBody(AnyValue.newBuilder().setStringValue(body))
            .addAttributes(attr("logger", "shop"));
    if (!severityText.isEmpty()) {
      log.setSeverityText(severityText);
    }
    if (!traceId.isEmpty()) {
      log.setTraceId(ByteString.copyFrom(HEX.parseHex(traceId)));
      log.setSpanId(ByteString.copyFrom(HEX.parseHex(spanId)));
    }
    return log.build();
  }

  static ExportLogsServiceRequest logs(String service, List<LogRecord> records) {
    return ExportLogsServiceRequest.newBuilder()
        .addResourceLogs(
            ResourceLogs.newBuilder()
                .setResource(resource(service))
                .addScopeLogs(ScopeLogs.newBuilder().addAllLogRecords(records)))
        .build();
  }

  static NumberDataPoint gaugePoint(long timeNs, double value, KeyValue... attributes) {
    return NumberDataPoint.newBuilder()
        .setTimeUnixNano(timeNs)
        .setAsDouble(value)
        .addAllAttributes(List.of(attributes))
        .build();
  }

  static ExportMetricsServiceRequest gauge(
      String service, String name, List<NumberDataPoint> points) {
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(resource(service))
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .addMetrics(
                            Metric.newBuilder()
                                .setName(name)
                                .setUnit("1")
                                .setGauge(Gauge.newBuilder().addAllDataPoints(points)))))
        .build();
  }
}
