package dev.vigil.console;

import static dev.vigil.console.Otlp.attr;
import static dev.vigil.console.Otlp.span;
import static io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_CLIENT;
import static io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.testing.PostgresExtension;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every query endpoint, fed through the collector's OTLP/HTTP endpoint and read over HTTP. */
class QueryApiTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  static final String TRACE_OK = "0af7651916cd43dd8448eb211c80319c";
  static final String TRACE_ERROR = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String TRACE_HEALTH = "00000000000000000000000000000abc";
  static final long MS = 1_000_000L;

  /** Five whole minutes ago, so the default windows hold the data and the minutes are exact. */
  static final long BASE =
      Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(5, ChronoUnit.MINUTES).getEpochSecond()
          * 1_000_000_000L;

  static final long FROM = BASE - 60_000 * MS;
  static final long TO = BASE + 3 * 60_000 * MS;

  static TestStack stack;
  static Http api;

  @BeforeAll
  static void ingest() {
    stack = TestStack.start(postgres.jdbcUrl(), Set.of());
    api = stack.api(null);
    Http otlp = stack.otlp(null);

    Map<String, List<io.opentelemetry.proto.trace.v1.Span>> spans = new LinkedHashMap<>();
    spans.put(
        "frontend",
        List.of(
            span(
                    TRACE_OK,
                    "a100000000000001",
                    "",
                    "GET /checkout",
                    SPAN_KIND_SERVER,
                    BASE,
                    120 * MS)
                .addAttributes(attr("http.route", "/checkout"))
                .addAttributes(attr("http.response.status_code", 200))
                .build(),
            span(
                    TRACE_OK,
                    "a100000000000002",
                    "a100000000000001",
                    "POST /charge",
                    SPAN_KIND_CLIENT,
                    BASE + 10 * MS,
                    80 * MS)
                .build(),
            span(
                    TRACE_ERROR,
                    "b100000000000001",
                    "",
                    "GET /checkout",
                    SPAN_KIND_SERVER,
                    BASE + 60_000 * MS,
                    300 * MS)
                .addAttributes(attr("http.route", "/checkout"))
                .addAttributes(attr("http.response.status_code", 500))
                .build(),
            span(
                    TRACE_ERROR,
                    "b100000000000002",
                    "b100000000000001",
                    "POST /charge",
                    SPAN_KIND_CLIENT,
                    BASE + 60_010 * MS,
                    270 * MS)
                .setStatus(Otlp.error("402 Payment Required"))
                .build(),
            span(
                    TRACE_HEALTH,
                    "c100000000000001",
                    "",
                    "GET /health",
                    SPAN_KIND_SERVER,
                    BASE + 61_000 * MS,
                    1 * MS)
                .build()));
    spans.put(
        "checkout",
        List.of(
            span(
                    TRACE_OK,
                    "a100000000000003",
                    "a100000000000002",
                    "POST /charge",
                    SPAN_KIND_SERVER,
                    BASE + 12 * MS,
                    70 * MS)
                .addEvents(
                    io.opentelemetry.proto.trace.v1.Span.Event.newBuilder()
                        .setTimeUnixNano(BASE + 15 * MS)
                        .setName("cache miss")
                        .addAttributes(attr("cache.key", "order-42")))
                .build(),
            span(
                    TRACE_OK,
                    "a100000000000004",
                    "a100000000000003",
                    "SELECT orders",
                    SPAN_KIND_CLIENT,
                    BASE + 20 * MS,
                    30 * MS)
                .addAttributes(attr("db.system", "postgresql"))
                .build(),
            span(
                    TRACE_ERROR,
                    "b100000000000003",
                    "b100000000000002",
                    "POST /charge",
                    SPAN_KIND_SERVER,
                    BASE + 60_012 * MS,
                    250 * MS)
                .setStatus(Otlp.error("card declined"))
                .build()));
    assertThat(otlp.postProtobuf("/v1/traces", Otlp.traces(spans)).status()).isEqualTo(200);

    List<io.opentelemetry.proto.logs.v1.LogRecord> logs = new ArrayList<>();
    logs.add(
        Otlp.log(BASE + 13 * MS, 9, "INFO", "charging order 42", TRACE_OK, "a100000000000003"));
    logs.add(
        Otlp.log(
            BASE + 60_100 * MS,
            17,
            "",
            "card declined for order 43",
            TRACE_ERROR,
            "b100000000000003"));
    logs.add(Otlp.log(BASE + 60_200 * MS, 13, "WARN", "retry 100% budget_used", "", ""));
    assertThat(otlp.postProtobuf("/v1/logs", Otlp.logs("checkout", logs)).status()).isEqualTo(200);

    assertThat(
            otlp.postProtobuf(
                    "/v1/metrics",
                    Otlp.gauge(
                        "checkout",
                        "queue.depth",
                        List.of(
                            Otlp.gaugePoint(BASE, 3, attr("queue", "orders")),
                            Otlp.gaugePoint(BASE + 60_000 * MS, 5, attr("queue", "orders")),
                            Otlp.gaugePoint(BASE, 1, attr("queue", "refunds")))))
                .status())
        .isEqualTo(200);
    for (String instance : List.of("checkout-2", "checkout-1")) {
      assertThat(
              otlp.postProtobuf(
                      "/v1/metrics",
                      Otlp.jvm("checkout", instance, BASE, BASE + 10_000 * MS, BASE + 20_000 * MS))
                  .status())
          .isEqualTo(200);
    }
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  static String window() {
    return "start=" + FROM + "&end=" + TO;
  }

  @Test
  void traceByIdReturnsEverySpanWithServiceResourceStatusAndEvents() {
    Http.Response response = api.get("/api/v1/traces/" + TRACE_OK);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.raw().headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    JsonNode trace = response.json();
    assertThat(trace.get("traceId").asText()).isEqualTo(TRACE_OK);
    JsonNode spans = trace.get("spans");
    assertThat(spans).hasSize(4);
    JsonNode root = spans.get(0);
    assertThat(root.get("traceId").asText()).isEqualTo(TRACE_OK);
    assertThat(root.get("spanId").asText()).isEqualTo("a100000000000001");
    assertThat(root.get("parentSpanId").isNull()).isTrue();
    assertThat(root.get("service").asText()).isEqualTo("frontend");
    assertThat(root.get("name").asText()).isEqualTo("GET /checkout");
    assertThat(root.get("kind").asText()).isEqualTo("SERVER");
    assertThat(root.get("startTimeUnixNano").asLong()).isEqualTo(BASE);
    assertThat(root.get("durationNano").asLong()).isEqualTo(120 * MS);
    assertThat(root.get("status").get("code").asText()).isEqualTo("UNSET");
    assertThat(root.get("attributes").get("http.route").asText()).isEqualTo("/checkout");
    assertThat(root.get("attributes").get("http.response.status_code").asLong()).isEqualTo(200);
    assertThat(root.get("resource").get("service.name").asText()).isEqualTo("frontend");
    assertThat(root.get("events").isArray()).isTrue();

    JsonNode charge = spans.get(2);
    assertThat(charge.get("service").asText()).isEqualTo("checkout");
    assertThat(charge.get("parentSpanId").asText()).isEqualTo("a100000000000002");
    JsonNode event = charge.get("events").get(0);
    assertThat(event.get("name").asText()).isEqualTo("cache miss");
    assertThat(event.get("timeUnixNano").asLong()).isEqualTo(BASE + 15 * MS);
    assertThat(event.get("attributes").get("cache.key").asText()).isEqualTo("order-42");
  }

  @Test
  void traceByIdShowsErrorStatusAndMessage() {
    JsonNode spans = api.get("/api/v1/traces/" + TRACE_ERROR.toUpperCase()).json().get("spans");

    JsonNode failed = spans.get(2);
    assertThat(failed.get("status").get("code").asText()).isEqualTo("ERROR");
    assertThat(failed.get("status").get("message").asText()).isEqualTo("card declined");
  }

  @Test
  void unknownTraceIs404WithErrorBody() {
    Http.Response response = api.get("/api/v1/traces/ffffffffffffffffffffffffffffffff");

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.json().get("error").asText())
        .isEqualTo("trace not found: ffffffffffffffffffffffffffffffff");
  }

  @Test
  void traceSearchSummarisesMatchingTracesNewestFirst() {
    JsonNode traces = api.get("/api/v1/traces?" + window()).json().get("traces");

    assertThat(traces).hasSize(3);
    assertThat(traces.get(0).get("traceId").asText()).isEqualTo(TRACE_HEALTH);
    JsonNode error = traces.get(1);
    assertThat(error.get("traceId").asText()).isEqualTo(TRACE_ERROR);
    assertThat(error.get("rootService").asText()).isEqualTo("frontend");
    assertThat(error.get("rootName").asText()).isEqualTo("GET /checkout");
    assertThat(error.get("startTimeUnixNano").asLong()).isEqualTo(BASE + 60_000 * MS);
    assertThat(error.get("durationNano").asLong()).isEqualTo(300 * MS);
    assertThat(error.get("spanCount").asInt()).isEqualTo(3);
    assertThat(error.get("errorCount").asInt()).isEqualTo(2);
    assertThat(error.get("services"))
        .extracting(JsonNode::asText)
        .containsExactly("checkout", "frontend");
  }

  @Test
  void traceSearchFiltersByServiceOperationDurationStatusAndAttribute() {
    assertThat(traceIds("service=checkout")).containsExactly(TRACE_ERROR, TRACE_OK);
    assertThat(traceIds("service=frontend&operation=" + Http.q("GET /health")))
        .containsExactly(TRACE_HEALTH);
    assertThat(
            traceIds(
                "service=frontend&operation=" + Http.q("GET /checkout") + "&minDurationMs=200"))
        .containsExactly(TRACE_ERROR);
    assertThat(
            traceIds(
                "service=frontend&operation=" + Http.q("GET /checkout") + "&maxDurationMs=200"))
        .containsExactly(TRACE_OK);
    assertThat(traceIds("status=error")).containsExactly(TRACE_ERROR);
    assertThat(traceIds("attr=" + Http.q("http.response.status_code=500")))
        .containsExactly(TRACE_ERROR);
    assertThat(traceIds("attr=" + Http.q("http.route=/checkout")))
        .containsExactly(TRACE_ERROR, TRACE_OK);
    assertThat(traceIds("attr=http.route=/checkout&service=frontend"))
        .containsExactly(TRACE_ERROR, TRACE_OK);
    assertThat(traceIds("limit=1")).containsExactly(TRACE_HEALTH);
    assertThat(traceIds("service=nobody")).isEmpty();
  }

  @Test
  void traceSearchDefaultsToTheLastHour() {
    assertThat(api.get("/api/v1/traces").json().get("traces")).hasSize(3);
  }

  private List<String> traceIds(String query) {
    Http.Response response = api.get("/api/v1/traces?" + window() + "&" + query);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    response.json().get("traces").forEach(t -> ids.add(t.get("traceId").asText()));
    return ids;
  }

  @Test
  void servicesHaveRequestRateErrorRateAndP99OverTheWindow() {
    JsonNode body = api.get("/api/v1/services?" + window()).json();

    assertThat(body.get("start").asLong()).isEqualTo(FROM);
    assertThat(body.get("end").asLong()).isEqualTo(TO);
    JsonNode services = body.get("services");
    assertThat(services)
        .extracting(s -> s.get("name").asText())
        .containsExactlyInAnyOrder("frontend", "checkout");
    JsonNode checkout = byName(services, "checkout");
    assertThat(checkout.get("requests").asLong()).isEqualTo(2);
    assertThat(checkout.get("errors").asLong()).isEqualTo(1);
    assertThat(checkout.get("errorRate").asDouble()).isEqualTo(0.5);
    assertThat(checkout.get("requestRate").asDouble())
        .isCloseTo(2 / 240.0, org.assertj.core.data.Offset.offset(1e-9));
    // Bucketed: within the 41% bucket error of the slowest request (250 ms).
    assertThat(checkout.get("p99Nano").asLong()).isBetween(180 * MS, 360 * MS);
    JsonNode frontend = byName(services, "frontend");
    assertThat(frontend.get("requests").asLong()).isEqualTo(3);
    assertThat(frontend.get("errorRate").asDouble()).isZero();
  }

  @Test
  void servicesDefaultToTheLastFifteenMinutes() {
    JsonNode body = api.get("/api/v1/services").json();

    assertThat(body.get("end").asLong() - body.get("start").asLong()).isEqualTo(15 * 60_000 * MS);
    assertThat(body.get("services")).hasSize(2);
  }

  @Test
  void operationsOfAServiceHaveTheirOwnRed() {
    JsonNode body = api.get("/api/v1/services/frontend/operations?" + window()).json();

    assertThat(body.get("service").asText()).isEqualTo("frontend");
    JsonNode operations = body.get("operations");
    assertThat(operations)
        .extracting(o -> o.get("name").asText())
        .containsExactlyInAnyOrder("GET /checkout", "GET /health");
    JsonNode checkout = byName(operations, "GET /checkout");
    assertThat(checkout.get("requests").asLong()).isEqualTo(2);
    assertThat(checkout.get("p50Nano").asLong()).isBetween(80 * MS, 300 * MS);
  }

  @Test
  void operationsOfAServiceNamedWithEscapesAreFound() {
    JsonNode body = api.get("/api/v1/services/fr%6Fntend/operations?" + window()).json();

    assertThat(body.get("service").asText()).isEqualTo("frontend");
    assertThat(body.get("operations")).hasSize(2);
  }

  @Test
  void operationsOfAnUnknownServiceAreEmpty() {
    JsonNode body = api.get("/api/v1/services/nobody/operations?" + window()).json();

    assertThat(body.get("operations")).isEmpty();
  }

  @Test
  void redSeriesHasOnePointPerStepIncludingEmptySteps() {
    JsonNode body = api.get("/api/v1/metrics/red?service=checkout&step=1m&" + window()).json();

    assertThat(body.get("stepSeconds").asLong()).isEqualTo(60);
    JsonNode points = body.get("points");
    assertThat(points).hasSize(4);
    assertThat(points.get(0).get("timeUnixNano").asLong()).isEqualTo(FROM);
    assertThat(points.get(0).get("requests").asLong()).isZero();
    assertThat(points.get(1).get("timeUnixNano").asLong()).isEqualTo(BASE);
    assertThat(points.get(1).get("requests").asLong()).isEqualTo(1);
    assertThat(points.get(1).get("errorRate").asDouble()).isZero();
    assertThat(points.get(1).get("requestRate").asDouble()).isEqualTo(1 / 60.0);
    assertThat(points.get(2).get("errors").asLong()).isEqualTo(1);
    assertThat(points.get(2).get("errorRate").asDouble()).isEqualTo(1.0);
    assertThat(points.get(2).get("p95Nano").asLong()).isBetween(180 * MS, 360 * MS);
    assertThat(points.get(2).has("p50Nano")).isTrue();
    assertThat(points.get(2).has("p99Nano")).isTrue();
  }

  @Test
  void redSeriesOfOneOperationWithADefaultStep() {
    JsonNode body =
        api.get(
                "/api/v1/metrics/red?service=frontend&operation="
                    + Http.q("GET /health")
                    + "&"
                    + window())
            .json();

    assertThat(body.get("operation").asText()).isEqualTo("GET /health");
    JsonNode points = body.get("points");
    long total = 0;
    for (JsonNode p : points) {
      total += p.get("requests").asLong();
    }
    assertThat(total).isEqualTo(1);
  }

  @Test
  void dependenciesHaveEdgesBetweenServicesAndToDatabases() {
    JsonNode body = api.get("/api/v1/dependencies?" + window()).json();

    JsonNode edges = body.get("edges");
    JsonNode toCheckout = edge(edges, "frontend", "checkout");
    assertThat(toCheckout.get("calleeType").asText()).isEqualTo("service");
    assertThat(toCheckout.get("calls").asLong()).isEqualTo(2);
    assertThat(toCheckout.get("errors").asLong()).isEqualTo(1);
    assertThat(toCheckout.get("p99Nano").asLong()).isPositive();
    JsonNode toDb = edge(edges, "checkout", "postgresql");
    assertThat(toDb.get("calleeType").asText()).isEqualTo("database");
    assertThat(toDb.get("calls").asLong()).isEqualTo(1);
    assertThat(body.get("nodes"))
        .extracting(n -> n.get("name").asText() + ":" + n.get("type").asText())
        .containsExactly("checkout:service", "frontend:service", "postgresql:database");
  }

  @Test
  void logsAreNewestFirstWithTraceContext() {
    JsonNode logs = api.get("/api/v1/logs?" + window()).json().get("logs");

    assertThat(logs).hasSize(3);
    JsonNode declined = logs.get(1);
    assertThat(declined.get("timeUnixNano").asLong()).isEqualTo(BASE + 60_100 * MS);
    assertThat(declined.get("service").asText()).isEqualTo("checkout");
    assertThat(declined.get("severity").asText()).isEqualTo("ERROR");
    assertThat(declined.get("severityNumber").asInt()).isEqualTo(17);
    assertThat(declined.get("body").asText()).isEqualTo("card declined for order 43");
    assertThat(declined.get("traceId").asText()).isEqualTo(TRACE_ERROR);
    assertThat(declined.get("spanId").asText()).isEqualTo("b100000000000003");
    assertThat(declined.get("attributes").get("logger").asText()).isEqualTo("shop");
  }

  @Test
  void logsFilterBySeverityTraceServiceAndText() {
    assertThat(logBodies("severity=warn"))
        .containsExactly("retry 100% budget_used", "card declined for order 43");
    assertThat(logBodies("traceId=" + TRACE_OK)).containsExactly("charging order 42");
    assertThat(logBodies("q=DECLINED")).containsExactly("card declined for order 43");
    assertThat(logBodies("q=" + Http.q("100%"))).containsExactly("retry 100% budget_used");
    assertThat(logBodies("q=" + Http.q("0%_"))).isEmpty();
    assertThat(logBodies("service=frontend")).isEmpty();
    assertThat(logBodies("limit=1")).hasSize(1);
  }

  private List<String> logBodies(String query) {
    Http.Response response = api.get("/api/v1/logs?" + window() + "&" + query);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    List<String> bodies = new ArrayList<>();
    response.json().get("logs").forEach(l -> bodies.add(l.get("body").asText()));
    return bodies;
  }

  @Test
  void metricSeriesAreGroupedByAttributes() {
    JsonNode body =
        api.get("/api/v1/metrics/series?name=queue.depth&service=checkout&" + window()).json();

    assertThat(body.get("name").asText()).isEqualTo("queue.depth");
    assertThat(body.get("truncated").asBoolean()).isFalse();
    JsonNode series = body.get("series");
    assertThat(series).hasSize(2);
    JsonNode orders = series.get(0);
    assertThat(orders.get("service").asText()).isEqualTo("checkout");
    assertThat(orders.get("type").asText()).isEqualTo("gauge");
    assertThat(orders.get("attributes").get("queue").asText()).isEqualTo("orders");
    assertThat(orders.get("points")).hasSize(2);
    assertThat(orders.get("points").get(1).get("timeUnixNano").asLong())
        .isEqualTo(BASE + 60_000 * MS);
    assertThat(orders.get("points").get(1).get("value").asDouble()).isEqualTo(5.0);
    assertThat(series.get(1).get("attributes").get("queue").asText()).isEqualTo("refunds");
  }

  @Test
  void metricSeriesAreGroupedByInstanceAndFilteredByIt() {
    JsonNode all = series("name=jvm.gc.collections&service=checkout");

    assertThat(all)
        .extracting(s -> s.get("instance").asText())
        .containsExactly("checkout-1", "checkout-1", "checkout-2", "checkout-2");
    assertThat(all)
        .extracting(s -> s.get("attributes").get("jvm.gc.name").asText())
        .containsExactly(
            "G1 Old Generation", "G1 Young Generation", "G1 Old Generation", "G1 Young Generation");
    assertThat(all.get(1).get("type").asText()).isEqualTo("sum");
    assertThat(all.get(1).get("points"))
        .extracting(p -> p.get("value").asDouble())
        .containsExactly(0.0, 2.0, 4.0);

    JsonNode one = series("name=jvm.gc.collections&instance=checkout-2");
    assertThat(one).hasSize(2);
    assertThat(one).allSatisfy(s -> assertThat(s.get("instance").asText()).isEqualTo("checkout-2"));
    assertThat(series("name=jvm.gc.collections&instance=nobody")).isEmpty();
  }

  @Test
  void metricSeriesWithoutAnInstanceIdHaveANullInstance() {
    assertThat(series("name=queue.depth&service=checkout"))
        .allSatisfy(s -> assertThat(s.get("instance").isNull()).isTrue());
  }

  private JsonNode series(String query) {
    Http.Response response = api.get("/api/v1/metrics/series?" + query + "&" + window());
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json().get("series");
  }

  @Test
  void metricSeriesOfAnUnknownMetricAreEmpty() {
    assertThat(api.get("/api/v1/metrics/series?name=nothing&" + window()).json().get("series"))
        .isEmpty();
  }

  private static JsonNode byName(JsonNode array, String name) {
    for (JsonNode n : array) {
      if (n.get("name").asText().equals(name)) {
        return n;
      }
    }
    throw new AssertionError("no " + name + " in " + array);
  }

  private static JsonNode edge(JsonNode edges, String caller, String callee) {
    for (JsonNode e : edges) {
      if (e.get("caller").asText().equals(caller) && e.get("callee").asText().equals(callee)) {
        return e;
      }
    }
    throw new AssertionError("no edge " + caller + " -> " + callee + " in " + edges);
  }
}
