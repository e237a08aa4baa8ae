package dev.vigil.collector.bench;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One export request of {@value #TRACES} traces of {@value #SPANS_PER_TRACE} spans (100 spans) in
 * four services, as OTLP protobuf and as the equivalent Zipkin v2 JSON. Each trace is a checkout: a
 * frontend SERVER span calling orders, which writes to PostgreSQL and calls payments (which calls
 * an uninstrumented payment provider) and inventory; CLIENT spans name their callee with {@code
 * peer.service}, {@code db.system} or only {@code server.address}. Spans carry 6 to 8 attributes.
 *
 * <p>Every request must carry fresh trace ids, as a real one would: the bodies are encoded once and
 * {@link #body(long, boolean)} overwrites the low 8 bytes of each trace id (at offsets found once)
 * with a value unique to the request. Span ids repeat between requests, which is harmless because
 * spans are identified within their trace.
 *
 * <p>Immutable; thread-safe.
 */
final class Workload {
  static final int TRACES = 10;
  static final int SPANS_PER_TRACE = 10;
  static final int SPANS = TRACES * SPANS_PER_TRACE;

  private static final HexFormat HEX = HexFormat.of();
  private static final String[] SERVICES = {"frontend", "orders", "payments", "inventory"};

  /** One span in a neutral form both encodings are built from. */
  private record SpanSpec(
      int trace,
      byte[] spanId,
      byte[] parentId,
      String service,
      Span.SpanKind kind,
      String name,
      long startNs,
      long durationNs,
      boolean error,
      Map<String, Object> attributes) {}

  private final byte[] protobuf;
  private final int[] protobufOffsets; // offset of the low 8 bytes of each trace id, per trace
  private final int[] protobufTraceIndex;
  private final byte[] json;
  private final int[] jsonOffsets; // offset of the low 16 hex digits of each trace id
  private final int[] jsonTraceIndex;

  Workload(long seed, long nowNs) {
    Random random = new Random(seed);
    byte[][] traceIds = new byte[TRACES][];
    List<SpanSpec> specs = new ArrayList<>();
    for (int t = 0; t < TRACES; t++) {
      traceIds[t] = randomBytes(random, 16);
      addTrace(specs, t, random, nowNs - (TRACES - t) * 5_000_000L, t == 7);
    }
    this.protobuf = otlp(specs, traceIds);
    this.json = zipkin(specs, traceIds).getBytes(StandardCharsets.UTF_8);
    List<int[]> pb = new ArrayList<>();
    List<int[]> js = new ArrayList<>();
    for (int t = 0; t < TRACES; t++) {
      byte[] hexId = HEX.formatHex(traceIds[t]).getBytes(StandardCharsets.US_ASCII);
      for (int at : find(protobuf, traceIds[t])) {
        pb.add(new int[] {at + 8, t});
      }
      for (int at : find(json, hexId)) {
        js.add(new int[] {at + 16, t});
      }
    }
    if (pb.size() != SPANS || js.size() != SPANS) {
      throw new IllegalStateException("trace ids found " + pb.size() + " and " + js.size());
    }
    this.protobufOffsets = pb.stream().mapToInt(a -> a[0]).toArray();
    this.protobufTraceIndex = pb.stream().mapToInt(a -> a[1]).toArray();
    this.jsonOffsets = js.stream().mapToInt(a -> a[0]).toArray();
    this.jsonTraceIndex = js.stream().mapToInt(a -> a[1]).toArray();
  }

  /** The OTLP protobuf body as encoded, before ids are made unique. */
  byte[] protobufTemplate() {
    return protobuf;
  }

  /**
   * A request body whose trace ids are unique to {@code request} (and to the workload's seed).
   *
   * @param zipkinJson Zipkin v2 JSON instead of OTLP protobuf
   */
  byte[] body(long request, boolean zipkinJson) {
    byte[] template = zipkinJson ? json : protobuf;
    int[] offsets = zipkinJson ? jsonOffsets : protobufOffsets;
    int[] traceIndex = zipkinJson ? jsonTraceIndex : protobufTraceIndex;
    byte[] out = template.clone();
    for (int i = 0; i < offsets.length; i++) {
      long low = traceLow(request, traceIndex[i]);
      if (zipkinJson) {
        byte[] hex = HEX.toHexDigits(low).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(hex, 0, out, offsets[i], 16);
      } else {
        for (int b = 0; b < 8; b++) {
          out[offsets[i] + b] = (byte) (low >>> (56 - 8 * b));
        }
      }
    }
    return out;
  }

  /** The low 64 bits of trace {@code trace} of request {@code request}. */
  static long traceLow(long request, int trace) {
    return (request * TRACES + trace) * 0x9E3779B97F4A7C15L | 1;
  }

  private static void addTrace(
      List<SpanSpec> out, int t, Random random, long start, boolean error) {
    byte[][] ids = new byte[SPANS_PER_TRACE][];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = randomBytes(random, 8);
    }
    String orderId = Integer.toString(100_000 + random.nextInt(900_000));
    String sku = "SKU-" + (1000 + random.nextInt(9000));
    // 0 frontend SERVER root
    out.add(
        new SpanSpec(
            t,
            ids[0],
            null,
            "frontend",
            Span.SpanKind.SPAN_KIND_SERVER,
            "POST /checkout",
            start,
            48_000_000,
            error,
            server(
                "POST", "/checkout", "/checkout", error ? 500 : 200, "shop.example.com", random)));
    // 1 frontend INTERNAL
    out.add(
        new SpanSpec(
            t,
            ids[1],
            ids[0],
            "frontend",
            Span.SpanKind.SPAN_KIND_INTERNAL,
            "render cart",
            start + 200_000,
            1_500_000,
            false,
            attrs(
                "code.function",
                "renderCart",
                "code.namespace",
                "com.example.shop.CartView",
                "thread.name",
                "http-nio-8080-exec-" + random.nextInt(200),
                "thread.id",
                (long) (30 + random.nextInt(200)),
                "cart.items",
                (long) (1 + random.nextInt(9)),
                "app.user_tier",
                random.nextBoolean() ? "gold" : "standard")));
    // 2 frontend CLIENT -> orders
    out.add(
        client(
            t,
            ids[2],
            ids[0],
            "frontend",
            "POST",
            "http://orders:8080/orders",
            "orders",
            start + 2_000_000,
            44_000_000,
            error));
    // 3 orders SERVER
    out.add(
        new SpanSpec(
            t,
            ids[3],
            ids[2],
            "orders",
            Span.SpanKind.SPAN_KIND_SERVER,
            "POST /orders",
            start + 2_500_000,
            43_000_000,
            error,
            server("POST", "/orders", "/orders", error ? 500 : 201, "orders", random)));
    // 4 orders CLIENT -> postgresql
    out.add(
        new SpanSpec(
            t,
            ids[4],
            ids[3],
            "orders",
            Span.SpanKind.SPAN_KIND_CLIENT,
            "INSERT shop.orders",
            start + 3_000_000,
            2_400_000,
            false,
            attrs(
                "db.system", "postgresql",
                "db.namespace", "shop",
                "db.operation.name", "INSERT",
                "db.collection.name", "orders",
                "db.query.text", "INSERT INTO orders (id, customer, total) VALUES (?, ?, ?)",
                "server.address", "pg-primary.internal",
                "server.port", 5432L)));
    // 5 orders CLIENT -> payments
    out.add(
        client(
            t,
            ids[5],
            ids[3],
            "orders",
            "POST",
            "http://payments:8080/payments/" + orderId,
            "payments",
            start + 6_000_000,
            30_000_000,
            error));
    // 6 payments SERVER
    out.add(
        new SpanSpec(
            t,
            ids[6],
            ids[5],
            "payments",
            Span.SpanKind.SPAN_KIND_SERVER,
            "POST /payments/{orderId}",
            start + 6_400_000,
            29_000_000,
            error,
            server(
                "POST",
                "/payments/" + orderId,
                "/payments/{orderId}",
                error ? 502 : 200,
                "payments",
                random)));
    // 7 payments CLIENT -> an uninstrumented provider, known only by address
    out.add(
        new SpanSpec(
            t,
            ids[7],
            ids[6],
            "payments",
            Span.SpanKind.SPAN_KIND_CLIENT,
            "POST",
            start + 7_000_000,
            26_000_000,
            error,
            attrs(
                "http.request.method", "POST",
                "url.full", "https://api.payments.example/v1/charges",
                "server.address", "api.payments.example",
                "server.port", 443L,
                "http.response.status_code", error ? 502L : 200L,
                "network.protocol.version", "1.1",
                "payment.amount_cents", (long) (100 + random.nextInt(50_000)))));
    // 8 orders CLIENT -> inventory
    out.add(
        client(
            t,
            ids[8],
            ids[3],
            "orders",
            "GET",
            "http://inventory:8080/inventory/" + sku,
            "inventory",
            start + 37_000_000,
            6_000_000,
            false));
    // 9 inventory SERVER
    out.add(
        new SpanSpec(
            t,
            ids[9],
            ids[8],
            "inventory",
            Span.SpanKind.SPAN_KIND_SERVER,
            "GET /inventory/{sku}",
            start + 37_300_000,
            5_200_000,
            false,
            server("GET", "/inventory/" + sku, "/inventory/{sku}", 200, "inventory", random)));
  }

  private static Map<String, Object> server(
      String method, String path, String route, int status, String host, Random random) {
    return attrs(
        "http.request.method",
        method,
        "url.path",
        path,
        "http.route",
        route,
        "http.response.status_code",
        (long) status,
        "server.address",
        host,
        "server.port",
        8080L,
        "client.address",
        "10.1." + random.nextInt(256) + "." + random.nextInt(256),
        "user_agent.original",
        "okhttp/4.12.0");
  }

  private static SpanSpec client(
      int t,
      byte[] id,
      byte[] parent,
      String service,
      String method,
      String url,
      String peer,
      long start,
      long duration,
      boolean error) {
    return new SpanSpec(
        t,
        id,
        parent,
        service,
        Span.SpanKind.SPAN_KIND_CLIENT,
        method,
        start,
        duration,
        error,
        attrs(
            "http.request.method", method,
            "url.full", url,
            "peer.service", peer,
            "server.address", peer,
            "server.port", 8080L,
            "http.response.status_code", error ? 500L : 200L,
            "network.protocol.version", "1.1"));
  }

  private static Map<String, Object> attrs(Object... keyValues) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      out.put((String) keyValues[i], keyValues[i + 1]);
    }
    return out;
  }

  private static byte[] otlp(List<SpanSpec> specs, byte[][] traceIds) {
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    for (String service : SERVICES) {
      ScopeSpans.Builder scope =
          ScopeSpans.newBuilder()
              .setScope(
                  InstrumentationScope.newBuilder()
                      .setName("io.opentelemetry.tomcat-10.0")
                      .setVersion("2.18.1-alpha"));
      for (SpanSpec s : specs) {
        if (!s.service().equals(service)) {
          continue;
        }
        Span.Builder span =
            Span.newBuilder()
                .setTraceId(ByteString.copyFrom(traceIds[s.trace()]))
                .setSpanId(ByteString.copyFrom(s.spanId()))
                .setName(s.name())
                .setKind(s.kind())
                .setStartTimeUnixNano(s.startNs())
                .setEndTimeUnixNano(s.startNs() + s.durationNs());
        if (s.parentId() != null) {
          span.setParentSpanId(ByteString.copyFrom(s.parentId()));
        }
        if (s.error()) {
          span.setStatus(
              Status.newBuilder()
                  .setCode(Status.StatusCode.STATUS_CODE_ERROR)
                  .setMessage("upstream failed"));
        }
        s.attributes().forEach((k, v) -> span.addAttributes(kv(k, v)));
        scope.addSpans(span);
      }
      request.addResourceSpans(
          ResourceSpans.newBuilder()
              .setResource(
                  Resource.newBuilder()
                      .addAttributes(kv("service.name", service))
                      .addAttributes(kv("service.version", "1.4.2"))
                      .addAttributes(kv("service.instance.id", service + "-7f9c5d-abcde"))
                      .addAttributes(kv("host.name", "node-3.internal"))
                      .addAttributes(kv("telemetry.sdk.name", "opentelemetry"))
                      .addAttributes(kv("telemetry.sdk.language", "java"))
                      .addAttributes(kv("telemetry.sdk.version", "1.68.0")))
              .addScopeSpans(scope));
    }
    return request.build().toByteArray();
  }

  private static KeyValue kv(String key, Object value) {
    AnyValue.Builder v = AnyValue.newBuilder();
    if (value instanceof Long l) {
      v.setIntValue(l);
    } else {
      v.setStringValue((String) value);
    }
    return KeyValue.newBuilder().setKey(key).setValue(v).build();
  }

  private static String zipkin(List<SpanSpec> specs, byte[][] traceIds) {
    StringBuilder sb = new StringBuilder(64 * 1024).append('[');
    for (int i = 0; i < specs.size(); i++) {
      SpanSpec s = specs.get(i);
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"traceId\":\"").append(HEX.formatHex(traceIds[s.trace()])).append('"');
      if (s.parentId() != null) {
        sb.append(",\"parentId\":\"").append(HEX.formatHex(s.parentId())).append('"');
      }
      sb.append(",\"id\":\"").append(HEX.formatHex(s.spanId())).append('"');
      if (s.kind() == Span.SpanKind.SPAN_KIND_SERVER) {
        sb.append(",\"kind\":\"SERVER\"");
      } else if (s.kind() == Span.SpanKind.SPAN_KIND_CLIENT) {
        sb.append(",\"kind\":\"CLIENT\"");
      }
      sb.append(",\"name\":\"").append(s.name().toLowerCase(java.util.Locale.ROOT)).append('"');
      sb.append(",\"timestamp\":").append(s.startNs() / 1000);
      sb.append(",\"duration\":").append(Math.max(1, s.durationNs() / 1000));
      sb.append(",\"localEndpoint\":{\"serviceName\":\"")
          .append(s.service())
          .append("\",\"ipv4\":\"10.0.0.")
          .append(1 + List.of(SERVICES).indexOf(s.service()))
          .append("\"}");
      Object peer = s.attributes().get("peer.service");
      if (peer == null) {
        peer = s.attributes().get("db.system");
      }
      if (peer != null) {
        sb.append(",\"remoteEndpoint\":{\"serviceName\":\"").append(peer).append("\"}");
      }
      sb.append(",\"tags\":{");
      boolean first = true;
      for (Map.Entry<String, Object> e : s.attributes().entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        sb.append('"').append(e.getKey()).append("\":\"").append(e.getValue()).append('"');
      }
      if (s.error()) {
        sb.append(",\"error\":\"upstream failed\"");
      }
      sb.append("}}");
    }
    return sb.append(']').toString();
  }

  private static byte[] randomBytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    b[0] |= 1;
    return b;
  }

  private static List<Integer> find(byte[] haystack, byte[] needle) {
    List<Integer> at = new ArrayList<>();
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      at.add(i);
    }
    return at;
  }
}
