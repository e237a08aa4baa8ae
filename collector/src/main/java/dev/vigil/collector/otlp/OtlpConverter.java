package dev.vigil.collector.otlp;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import dev.vigil.collector.model.LogRow;
import dev.vigil.collector.model.MetricRow;
import dev.vigil.collector.model.ResourceRow;
import dev.vigil.collector.model.SpanRow;
import dev.vigil.collector.model.TelemetryBatch;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Turns decoded OTLP export requests into rows: validates ids and times per item (rejecting the bad
 * ones, not the request), applies {@link OtlpLimits}, serialises attributes, events and links to
 * JSON, and extracts the values the rollups need.
 *
 * <p>Stateless apart from its configuration; thread-safe.
 */
public final class OtlpConverter {
  static final String UNKNOWN_SERVICE = "unknown_service";
  static final long NANOS_PER_DAY = 86_400_000_000_000L;

  private static final HexFormat HEX = HexFormat.of();

  private final OtlpLimits limits;
  private final LongSupplier clockNanos;
  private final int traceRetentionDays;
  private final int logRetentionDays;
  private final int metricRetentionDays;

  /**
   * @param clockNanos epoch-nanosecond clock, used to refuse items older than their retention (they
   *     would be dropped at once) or more than a day in the future
   */
  public OtlpConverter(
      OtlpLimits limits,
      LongSupplier clockNanos,
      int traceRetentionDays,
      int logRetentionDays,
      int metricRetentionDays) {
    this.limits = requireNonNull(limits, "limits");
    this.clockNanos = requireNonNull(clockNanos, "clockNanos");
    this.traceRetentionDays = traceRetentionDays;
    this.logRetentionDays = logRetentionDays;
    this.metricRetentionDays = metricRetentionDays;
  }

  public Conversion convertTraces(ExportTraceServiceRequest request) {
    Context ctx = new Context(traceRetentionDays);
    List<SpanRow> spans = new ArrayList<>();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      ResourceRow resource = ctx.resource(rs.getResource());
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        String scope = ctx.scope(ss.getScope());
        for (Span span : ss.getSpansList()) {
          ctx.received++;
          SpanRow row = ctx.span(span, resource, scope);
          if (row != null) {
            spans.add(row);
          }
        }
      }
    }
    return ctx.finish(new TelemetryBatch(ctx.usedResources(), spans, List.of(), List.of()));
  }

  public Conversion convertLogs(ExportLogsServiceRequest request) {
    Context ctx = new Context(logRetentionDays);
    List<LogRow> logs = new ArrayList<>();
    for (ResourceLogs rl : request.getResourceLogsList()) {
      ResourceRow resource = ctx.resource(rl.getResource());
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        String scope = ctx.scope(sl.getScope());
        for (LogRecord record : sl.getLogRecordsList()) {
          ctx.received++;
          LogRow row = ctx.log(record, resource, scope);
          if (row != null) {
            logs.add(row);
          }
        }
      }
    }
    return ctx.finish(new TelemetryBatch(ctx.usedResources(), List.of(), logs, List.of()));
  }

  public Conversion convertMetrics(ExportMetricsServiceRequest request) {
    Context ctx = new Context(metricRetentionDays);
    List<MetricRow> points = new ArrayList<>();
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      ResourceRow resource = ctx.resource(rm.getResource());
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        for (Metric metric : sm.getMetricsList()) {
          ctx.metric(metric, resource, points);
        }
      }
    }
    return ctx.finish(new TelemetryBatch(ctx.usedResources(), List.of(), List.of(), points));
  }

  /** Per-request state: counters, rejection reasons and the resources seen. Not thread-safe. */
  private final class Context {
    final long now = clockNanos.getAsLong();
    final long oldestNs;
    final long newestNs = now + NANOS_PER_DAY;
    final Map<Long, ResourceRow> resources = new LinkedHashMap<>();
    final Map<String, Integer> reasons = new LinkedHashMap<>();
    int received;
    int rejected;
    long truncated;
    long droppedAttributes;
    long droppedEvents;
    // Reused for every JSON value of the request; json() calls do not nest.
    private final StringBuilder scratch = new StringBuilder(1024);

    Context(int retentionDays) {
      long startOfToday = Math.floorDiv(now, NANOS_PER_DAY) * NANOS_PER_DAY;
      this.oldestNs = startOfToday - retentionDays * NANOS_PER_DAY;
    }

    List<ResourceRow> usedResources() {
      return List.copyOf(resources.values());
    }

    Conversion finish(TelemetryBatch batch) {
      StringBuilder message = new StringBuilder();
      reasons.forEach(
          (reason, count) -> {
            if (message.length() > 0) {
              message.append("; ");
            }
            message.append(count).append(" rejected: ").append(reason);
          });
      return new Conversion(
          batch,
          received,
          rejected,
          message.toString(),
          truncated,
          droppedAttributes,
          droppedEvents);
    }

    private String json(JsonBody body) {
      scratch.setLength(0);
      body.write(scratch);
      return scratch.toString();
    }

    void reject(String reason) {
      rejected++;
      reasons.merge(reason, 1, Integer::sum);
    }

    boolean timeOk(long timeNs) {
      if (timeNs < oldestNs || timeNs > newestNs) {
        reject("time outside the retention window or more than a day ahead");
        return false;
      }
      return true;
    }

    ResourceRow resource(Resource resource) {
      String service = UNKNOWN_SERVICE;
      TreeMap<String, KeyValue> sorted = new TreeMap<>();
      for (KeyValue kv : resource.getAttributesList()) {
        sorted.put(kv.getKey(), kv);
        if (kv.getKey().equals("service.name") && kv.getValue().hasStringValue()) {
          String name = kv.getValue().getStringValue();
          if (!name.isBlank()) {
            service = name(name);
          }
        }
      }
      String json = attributes(new ArrayList<>(sorted.values()));
      String canonical = json == null ? "{}" : json;
      long id = hash64(canonical);
      ResourceRow row = resources.get(id);
      if (row == null) {
        row = new ResourceRow(id, now, service, canonical);
        resources.put(id, row);
      }
      return row;
    }

    @Nullable String scope(InstrumentationScope scope) {
      return scope.getName().isEmpty() ? null : name(scope.getName());
    }

    @Nullable SpanRow span(Span span, ResourceRow resource, @Nullable String scope) {
      byte[] traceId = span.getTraceId().toByteArray();
      byte[] spanId = span.getSpanId().toByteArray();
      ByteString parent = span.getParentSpanId();
      if (!validId(traceId, 16, "trace id") || !validId(spanId, 8, "span id")) {
        return null;
      }
      byte[] parentId = null;
      if (!parent.isEmpty()) {
        parentId = parent.toByteArray();
        if (parentId.length != 8) {
          reject("invalid parent span id length " + parentId.length + " (expected: 0 or 8)");
          return null;
        }
        if (allZero(parentId)) {
          parentId = null;
        }
      }
      long start = span.getStartTimeUnixNano();
      if (!timeOk(start)) {
        return null;
      }
      long duration = Math.max(0, span.getEndTimeUnixNano() - start);
      List<KeyValue> attrs = span.getAttributesList();
      String peerService = null;
      String dbSystem = null;
      String messagingSystem = null;
      String serverAddress = null;
      String serverPort = null;
      for (KeyValue kv : attrs) {
        switch (kv.getKey()) {
          case "peer.service" -> peerService = shortString(kv.getValue());
          case "db.system", "db.system.name" -> dbSystem = shortString(kv.getValue());
          case "messaging.system" -> messagingSystem = shortString(kv.getValue());
          case "server.address", "net.peer.name" -> {
            if (serverAddress == null) {
              serverAddress = shortString(kv.getValue());
            }
          }
          case "server.port", "net.peer.port" -> serverPort = anyToString(kv.getValue());
          default -> {}
        }
      }
      if (serverAddress != null && serverPort != null) {
        serverAddress = name(serverAddress + ":" + serverPort);
      }
      return new SpanRow(
          traceId,
          spanId,
          parentId,
          start,
          duration,
          resource.resourceId(),
          resource.service(),
          name(span.getName()),
          span.getKindValue(),
          span.getStatus().getCodeValue(),
          span.getStatus().getMessage().isEmpty() ? null : value(span.getStatus().getMessage()),
          scope,
          attributes(attrs),
          events(span.getEventsList()),
          links(span.getLinksList()),
          peerService,
          dbSystem,
          messagingSystem,
          serverAddress);
    }

    @Nullable LogRow log(LogRecord record, ResourceRow resource, @Nullable String scope) {
      long time = record.getTimeUnixNano();
      if (time == 0) {
        time = record.getObservedTimeUnixNano();
      }
      if (time == 0) {
        time = now;
      }
      byte[] traceId = null;
      byte[] spanId = null;
      if (!record.getTraceId().isEmpty()) {
        traceId = record.getTraceId().toByteArray();
        if (!validId(traceId, 16, "trace id")) {
          return null;
        }
      }
      if (!record.getSpanId().isEmpty()) {
        spanId = record.getSpanId().toByteArray();
        if (!validId(spanId, 8, "span id")) {
          return null;
        }
      }
      if (!timeOk(time)) {
        return null;
      }
      String body = null;
      AnyValue value = record.getBody();
      if (value.hasStringValue()) {
        body = limit(value.getStringValue(), limits.maxBodyLength());
      } else if (value.getValueCase() != AnyValue.ValueCase.VALUE_NOT_SET) {
        body = limit(json(g -> writeAny(g, value)), limits.maxBodyLength());
      }
      String severityText = record.getSeverityText();
      return new LogRow(
          time,
          resource.resourceId(),
          record.getSeverityNumberValue(),
          traceId,
          spanId,
          resource.service(),
          severityText.isEmpty() ? null : name(severityText),
          body,
          scope,
          attributes(record.getAttributesList()));
    }

    void metric(Metric metric, ResourceRow resource, List<MetricRow> out) {
      String name = name(metric.getName());
      String unit = metric.getUnit().isEmpty() ? null : name(metric.getUnit());
      switch (metric.getDataCase()) {
        case GAUGE -> {
          for (NumberDataPoint p : metric.getGauge().getDataPointsList()) {
            number(p, MetricRow.GAUGE, null, name, unit, resource, out);
          }
        }
        case SUM -> {
          boolean monotonic = metric.getSum().getIsMonotonic();
          for (NumberDataPoint p : metric.getSum().getDataPointsList()) {
            number(p, MetricRow.SUM, monotonic, name, unit, resource, out);
          }
        }
        case HISTOGRAM -> {
          for (HistogramDataPoint p : metric.getHistogram().getDataPointsList()) {
            received++;
            if (!timeOk(p.getTimeUnixNano())) {
              continue;
            }
            int boundCount = p.getExplicitBoundsCount();
            if (p.getBucketCountsCount() != 0 && p.getBucketCountsCount() != boundCount + 1) {
              reject("histogram with " + boundCount + " bounds but bucket counts not bounds + 1");
              continue;
            }
            double[] bounds = new double[boundCount];
            for (int i = 0; i < boundCount; i++) {
              bounds[i] = p.getExplicitBounds(i);
            }
            long[] counts = new long[p.getBucketCountsCount()];
            for (int i = 0; i < counts.length; i++) {
              counts[i] = p.getBucketCounts(i);
            }
            out.add(
                new MetricRow(
                    p.getTimeUnixNano(),
                    p.getStartTimeUnixNano() == 0 ? null : p.getStartTimeUnixNano(),
                    resource.resourceId(),
                    null,
                    p.getCount(),
                    p.hasSum() ? p.getSum() : null,
                    MetricRow.HISTOGRAM,
                    null,
                    resource.service(),
                    name,
                    unit,
                    bounds,
                    counts,
                    attributes(p.getAttributesList())));
          }
        }
        case EXPONENTIAL_HISTOGRAM -> {
          int n = metric.getExponentialHistogram().getDataPointsCount();
          received += n;
          for (int i = 0; i < n; i++) {
            reject("exponential histogram points are not stored");
          }
        }
        case SUMMARY -> {
          int n = metric.getSummary().getDataPointsCount();
          received += n;
          for (int i = 0; i < n; i++) {
            reject("summary points are not stored");
          }
        }
        default -> {}
      }
    }

    private void number(
        NumberDataPoint p,
        String type,
        @Nullable Boolean monotonic,
        String name,
        @Nullable String unit,
        ResourceRow resource,
        List<MetricRow> out) {
      received++;
      if (!timeOk(p.getTimeUnixNano())) {
        return;
      }
      double value =
          p.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? p.getAsInt() : p.getAsDouble();
      out.add(
          new MetricRow(
              p.getTimeUnixNano(),
              p.getStartTimeUnixNano() == 0 ? null : p.getStartTimeUnixNano(),
              resource.resourceId(),
              value,
              null,
              null,
              type,
              monotonic,
              resource.service(),
              name,
              unit,
              null,
              null,
              attributes(p.getAttributesList())));
    }

    private boolean validId(byte[] id, int length, String what) {
      if (id.length != length) {
        reject("invalid " + what + " length " + id.length + " (expected: " + length + ")");
        return false;
      }
      if (allZero(id)) {
        reject("invalid " + what + " (all zero)");
        return false;
      }
      return true;
    }

    @Nullable String attributes(List<KeyValue> attributes) {
      if (attributes.isEmpty()) {
        return null;
      }
      return json(g -> writeAttributes(g, attributes));
    }

    @Nullable String events(List<Span.Event> events) {
      return boundedArray(
          events,
          limits.maxEvents(),
          (g, event) -> {
            g.append("{\"timeNs\":").append(event.getTimeUnixNano()).append(",\"name\":");
            quote(g, name(event.getName()));
            if (event.getAttributesCount() > 0) {
              g.append(",\"attributes\":");
              writeAttributes(g, event.getAttributesList());
            }
            g.append('}');
          });
    }

    @Nullable String links(List<Span.Link> links) {
      return boundedArray(
          links,
          limits.maxLinks(),
          (g, link) -> {
            g.append("{\"traceId\":\"")
                .append(HEX.formatHex(link.getTraceId().toByteArray()))
                .append("\",\"spanId\":\"")
                .append(HEX.formatHex(link.getSpanId().toByteArray()))
                .append('"');
            if (link.getAttributesCount() > 0) {
              g.append(",\"attributes\":");
              writeAttributes(g, link.getAttributesList());
            }
            g.append('}');
          });
    }

    /**
     * The first {@code max} of {@code items} as a JSON array, counting the rest in {@code
     * droppedEvents}; null when nothing is kept.
     */
    private <T> @Nullable String boundedArray(
        List<T> items, int max, BiConsumer<StringBuilder, T> write) {
      if (items.isEmpty()) {
        return null;
      }
      int keep = Math.min(items.size(), max);
      droppedEvents += items.size() - keep;
      if (keep == 0) {
        return null;
      }
      return json(
          g -> {
            g.append('[');
            for (int i = 0; i < keep; i++) {
              if (i > 0) {
                g.append(',');
              }
              write.accept(g, items.get(i));
            }
            g.append(']');
          });
    }

    private void writeAttributes(StringBuilder g, List<KeyValue> attributes) {
      int keep = Math.min(attributes.size(), limits.maxAttributes());
      droppedAttributes += attributes.size() - keep;
      g.append('{');
      for (int i = 0; i < keep; i++) {
        KeyValue kv = attributes.get(i);
        if (i > 0) {
          g.append(',');
        }
        quote(g, name(kv.getKey()));
        g.append(':');
        writeAny(g, kv.getValue());
      }
      g.append('}');
    }

    private void writeAny(StringBuilder g, AnyValue value) {
      switch (value.getValueCase()) {
        case STRING_VALUE -> quote(g, value(value.getStringValue()));
        case BOOL_VALUE -> g.append(value.getBoolValue());
        case INT_VALUE -> g.append(value.getIntValue());
        case DOUBLE_VALUE -> {
          double d = value.getDoubleValue();
          if (Double.isFinite(d)) {
            g.append(d);
          } else {
            quote(g, Double.toString(d));
          }
        }
        case ARRAY_VALUE -> {
          List<AnyValue> values = value.getArrayValue().getValuesList();
          int keep = Math.min(values.size(), limits.maxAttributes());
          droppedAttributes += values.size() - keep;
          g.append('[');
          for (int i = 0; i < keep; i++) {
            if (i > 0) {
              g.append(',');
            }
            writeAny(g, values.get(i));
          }
          g.append(']');
        }
        case KVLIST_VALUE -> writeAttributes(g, value.getKvlistValue().getValuesList());
        case BYTES_VALUE ->
            quote(
                g, value(Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray())));
        default -> g.append("null");
      }
    }

    @Nullable String shortString(AnyValue value) {
      return value.hasStringValue() && !value.getStringValue().isEmpty()
          ? name(value.getStringValue())
          : null;
    }

    @Nullable String anyToString(AnyValue value) {
      return switch (value.getValueCase()) {
        case STRING_VALUE -> value.getStringValue().isEmpty() ? null : value.getStringValue();
        case INT_VALUE -> Long.toString(value.getIntValue());
        default -> null;
      };
    }

    String name(String s) {
      return limit(s, limits.maxNameLength());
    }

    String value(String s) {
      return limit(s, limits.maxAttributeValueLength());
    }

    String limit(String s, int max) {
      String clean = s.indexOf('\0') >= 0 ? s.replace('\0', '\uFFFD') : s;
      if (clean.length() <= max) {
        return clean;
      }
      truncated++;
      int cut = max;
      if (Character.isHighSurrogate(clean.charAt(cut - 1))) {
        cut--;
      }
      return clean.substring(0, cut) + OtlpLimits.TRUNCATION_MARKER;
    }
  }

  private static boolean allZero(byte[] id) {
    for (byte b : id) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  static long hash64(String canonical) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      long h = 0;
      for (int i = 0; i < 8; i++) {
        h = (h << 8) | (digest[i] & 0xff);
      }
      return h;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private interface JsonBody {
    void write(StringBuilder out);
  }

  /** Appends {@code s} as a JSON string: quotes, backslashes and control characters escaped. */
  static void quote(StringBuilder out, String s) {
    out.append('"');
    int from = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      out.append(s, from, i);
      from = i + 1;
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(String.format("\\u%04x", (int) c));
      }
    }
    out.append(s, from, s.length()).append('"');
  }
}
