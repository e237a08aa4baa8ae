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
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
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
                    ScopeMetrics.newBuilder().addMetrics(gaugeMetric(name, "1", points))))
        .build();
  }

  /**
   * The JVM metrics the Vigil agent exports every 10 s, one export per time in {@code timesNs}, as
   * the process {@code instance} of {@code service}: memory gauges, cumulative GC, CPU and class
   * counters, thread and class gauges. The i-th export has used i MiB more heap, 2i young and i/3
   * old collections, 15i ms of GC and 0.5i s of CPU.
   */
  static ExportMetricsServiceRequest jvm(String service, String instance, long... timesNs) {
    long mib = 1 << 20;
    long start = timesNs[0] - 10_000_000_000L;
    List<NumberDataPoint> heapUsed = new ArrayList<>();
    List<NumberDataPoint> committed = new ArrayList<>();
    List<NumberDataPoint> limit = new ArrayList<>();
    List<NumberDataPoint> collections = new ArrayList<>();
    List<NumberDataPoint> gcTime = new ArrayList<>();
    List<NumberDataPoint> cpuTime = new ArrayList<>();
    List<NumberDataPoint> cpuCount = new ArrayList<>();
    List<NumberDataPoint> threads = new ArrayList<>();
    List<NumberDataPoint> classes = new ArrayList<>();
    for (int i = 0; i < timesNs.length; i++) {
      long t = timesNs[i];
      KeyValue heap = attr("jvm.memory.type", "heap");
      KeyValue nonHeap = attr("jvm.memory.type", "non_heap");
      KeyValue young = attr("jvm.gc.name", "G1 Young Generation");
      KeyValue old = attr("jvm.gc.name", "G1 Old Generation");
      heapUsed.add(gaugePoint(t, (100 + i) * mib, heap));
      heapUsed.add(gaugePoint(t, 40 * mib, nonHeap));
      committed.add(gaugePoint(t, 256 * mib, heap));
      committed.add(gaugePoint(t, 48 * mib, nonHeap));
      limit.add(gaugePoint(t, 512 * mib, heap));
      collections.add(sumPoint(start, t, 2 * i, young));
      collections.add(sumPoint(start, t, i / 3, old));
      gcTime.add(sumPoint(start, t, 15 * i, young));
      gcTime.add(sumPoint(start, t, 0, old));
      cpuTime.add(sumPoint(start, t, 0.5 * i));
      cpuCount.add(gaugePoint(t, 2));
      threads.add(gaugePoint(t, 20 + i % 3));
      classes.add(gaugePoint(t, 5000 + i));
    }
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(
                    resource(service).toBuilder()
                        .addAttributes(attr("service.instance.id", instance)))
                .addScopeMetrics(
                    ScopeMetrics.newBuilder()
                        .addMetrics(gaugeMetric("jvm.memory.used", "By", heapUsed))
                        .addMetrics(gaugeMetric("jvm.memory.committed", "By", committed))
                        .addMetrics(gaugeMetric("jvm.memory.limit", "By", limit))
                        .addMetrics(sumMetric("jvm.gc.collections", "{collection}", collections))
                        .addMetrics(sumMetric("jvm.gc.time", "ms", gcTime))
                        .addMetrics(sumMetric("jvm.cpu.time", "s", cpuTime))
                        .addMetrics(gaugeMetric("jvm.cpu.count", "{cpu}", cpuCount))
                        .addMetrics(gaugeMetric("jvm.thread.count", "{thread}", threads))
                        .addMetrics(gaugeMetric("jvm.class.count", "{class}", classes))))
        .build();
  }

  private static NumberDataPoint sumPoint(
      long startNs, long timeNs, double value, KeyValue... attributes) {
    return gaugePoint(timeNs, value, attributes).toBuilder().setStartTimeUnixNano(startNs).build();
  }

  private static Metric gaugeMetric(String name, String unit, List<NumberDataPoint> points) {
    return Metric.newBuilder()
        .setName(name)
        .setUnit(unit)
        .setGauge(Gauge.newBuilder().addAllDataPoints(points))
        .build();
  }

  private static Metric sumMetric(String name, String unit, List<NumberDataPoint> points) {
    return Metric.newBuilder()
        .setName(name)
        .setUnit(unit)
        .setSum(
            Sum.newBuilder()
                .setIsMonotonic(true)
                .setAggregationTemporality(
                    AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .addAllDataPoints(points))
        .build();
  }
}
