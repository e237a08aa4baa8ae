package dev.vigil.console.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.collector.store.DependencyEdge;
import dev.vigil.collector.store.MetricPoint;
import dev.vigil.collector.store.Red;
import dev.vigil.collector.store.StoredLog;
import dev.vigil.collector.store.StoredSpan;
import dev.vigil.collector.store.TraceSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The JSON shapes of the API (documented in {@code docs/api.md}) and their conversion from the
 * store's records. Times and durations are Unix nanoseconds, ids lowercase hex; stored JSON columns
 * are written through as they are.
 *
 * <p>Stateless and thread-safe.
 */
final class Views {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String[] KINDS = {
    "UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"
  };
  private static final String[] STATUS_CODES = {"UNSET", "OK", "ERROR"};
  private static final String[] SEVERITIES = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};

  private Views() {}

  record Span(
      String traceId,
      String spanId,
      @Nullable String parentSpanId,
      String service,
      String name,
      String kind,
      long startTimeUnixNano,
      long durationNano,
      Status status,
      @Nullable String scope,
      @JsonRawValue String attributes,
      JsonNode events,
      @JsonRawValue String links,
      @JsonRawValue String resource) {}

  record Status(String code, @Nullable String message) {}

  record Trace(String traceId, List<Span> spans) {}

  record TraceHit(
      String traceId,
      String rootService,
      String rootName,
      long startTimeUnixNano,
      long durationNano,
      int spanCount,
      int errorCount,
      List<String> services) {}

  /** Rates are per second; {@code errorRate} is errors / requests (0..1). */
  record RedView(
      long requests,
      long errors,
      double requestRate,
      double errorRate,
      long meanNano,
      long p50Nano,
      long p95Nano,
      long p99Nano) {
    static RedView of(Red red) {
      return new RedView(
          red.requests(),
          red.errors(),
          red.ratePerSecond(),
          red.errorRate(),
          red.meanNs(),
          red.p50Ns(),
          red.p95Ns(),
          red.p99Ns());
    }

    static final RedView EMPTY = new RedView(0, 0, 0, 0, 0, 0, 0, 0);
  }

  record Named(String name, @JsonUnwrapped RedView red) {}

  record RedStep(long timeUnixNano, @JsonUnwrapped RedView red) {}

  record Node(String name, String type) {}

  record Edge(
      String caller,
      String callee,
      String calleeType,
      long calls,
      long errors,
      double callRate,
      double errorRate,
      long meanNano,
      long p50Nano,
      long p95Nano,
      long p99Nano) {}

  record Log(
      long timeUnixNano,
      String service,
      String severity,
      int severityNumber,
      @Nullable String body,
      @Nullable String traceId,
      @Nullable String spanId,
      @Nullable String scope,
      @JsonRawValue String attributes,
      @JsonRawValue String resource) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Point(
      long timeUnixNano, @Nullable Double value, @Nullable Long count, @Nullable Double sum) {}

  record Series(
      String service,
      @Nullable String instance,
      String type,
      @Nullable String unit,
      @JsonRawValue String attributes,
      List<Point> points) {}

  static Span span(StoredSpan s) {
    return new Span(
        s.traceId(),
        s.spanId(),
        s.parentSpanId(),
        s.service(),
        s.name(),
        name(KINDS, s.kind()),
        s.startNs(),
        s.durationNs(),
        new Status(name(STATUS_CODES, s.statusCode()), s.statusMessage()),
        s.scope(),
        s.attributesJson(),
        events(s.eventsJson()),
        s.linksJson(),
        s.resourceJson());
  }

  static TraceHit traceHit(TraceSummary t) {
    return new TraceHit(
        t.traceId(),
        t.rootService(),
        t.rootName(),
        t.startNs(),
        t.durationNs(),
        t.spanCount(),
        t.errorCount(),
        t.services().stream().sorted().toList());
  }

  static Edge edge(DependencyEdge e) {
    Red r = e.red();
    return new Edge(
        e.caller(),
        e.callee(),
        e.calleeType(),
        r.requests(),
        r.errors(),
        r.ratePerSecond(),
        r.errorRate(),
        r.meanNs(),
        r.p50Ns(),
        r.p95Ns(),
        r.p99Ns());
  }

  /** One node per name at either end of an edge; a name that calls out is a {@code service}. */
  static List<Node> nodes(List<DependencyEdge> edges) {
    Map<String, String> types = new TreeMap<>();
    for (DependencyEdge e : edges) {
      types.put(e.caller(), "service");
    }
    for (DependencyEdge e : edges) {
      types.putIfAbsent(e.callee(), e.calleeType());
    }
    List<Node> nodes = new ArrayList<>(types.size());
    types.forEach((name, type) -> nodes.add(new Node(name, type)));
    return nodes;
  }

  static Log log(StoredLog l) {
    return new Log(
        l.timeNs(),
        l.service(),
        l.severityText() != null ? l.severityText() : severityName(l.severityNumber()),
        l.severityNumber(),
        l.body(),
        l.traceId(),
        l.spanId(),
        l.scope(),
        l.attributesJson(),
        l.resourceJson());
  }

  /**
   * Groups time-ordered points into one series per service, instance, type and attribute set, in
   * that order (points without an instance first within a service). Stored jsonb text is canonical
   * (sorted keys, no duplicates), so equal attribute sets have equal text.
   */
  static List<Series> series(List<MetricPoint> points) {
    Map<String, Series> byKey = new LinkedHashMap<>();
    for (MetricPoint p : points) {
      String key = p.service() + '\0' + p.instance() + '\0' + p.type() + '\0' + p.attributesJson();
      Series series =
          byKey.computeIfAbsent(
              key,
              k ->
                  new Series(
                      p.service(),
                      p.instance(),
                      p.type(),
                      p.unit(),
                      p.attributesJson(),
                      new ArrayList<>()));
      boolean histogram = p.type().equals("histogram");
      series
          .points()
          .add(
              new Point(
                  p.timeNs(),
                  histogram ? null : p.value(),
                  histogram ? p.count() : null,
                  histogram ? p.sum() : null));
    }
    List<Series> out = new ArrayList<>(byKey.values());
    out.sort(
        Comparator.comparing(Series::service)
            .thenComparing(Series::instance, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Series::attributes));
    return out;
  }

  /** The OTLP severity range name of a severity number: 1-4 TRACE ... 21-24 FATAL. */
  static String severityName(int number) {
    if (number <= 0) {
      return "UNSPECIFIED";
    }
    return SEVERITIES[Math.min(5, (number - 1) / 4)];
  }

  /** Renames each stored event's {@code timeNs} to the API's {@code timeUnixNano}. */
  private static ArrayNode events(String json) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (JsonNode event : parse(json)) {
      ObjectNode e = out.addObject();
      e.put("timeUnixNano", event.path("timeNs").asLong());
      e.put("name", event.path("name").asText());
      e.set("attributes", event.has("attributes") ? event.get("attributes") : e.objectNode());
    }
    return out;
  }

  private static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable stored JSON", e);
    }
  }

  private static String name(String[] names, int code) {
    return code >= 0 && code < names.length ? names[code] : Integer.toString(code);
  }
}
