package dev.vigil.console.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.testing.PostgresExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code vigil.jar server} in-process on free ports against a fresh database: an application's
 * OpenTelemetry SDK exports to the OTLP port and the trace is read back from the query API; a
 * separate {@code console} process on the same database reads it too.
 */
class ServerModeTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  private static final String TOKEN = "e2e-admin-token";
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void tracesSentToTheOtlpPortAreReadFromTheQueryApi() throws Exception {
    Map<String, String> env = Map.of("VIGIL_DB_URL", postgres.jdbcUrl(), "VIGIL_TOKEN", TOKEN);
    LaunchOptions options =
        LaunchOptions.parse(
            List.of("server", "--http-port=0", "--otlp-port=0", "--host=127.0.0.1"), env);
    try (Vigil.Running vigil = Vigil.start(options)) {
      assertThat(get(vigil.httpPort(), "/ready", null).statusCode()).isEqualTo(200);

      String traceId = sendTrace(vigil.otlpPort());

      HttpResponse<String> response = get(vigil.httpPort(), "/api/v1/traces/" + traceId, TOKEN);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode spans = mapper.readTree(response.body()).get("spans");
      assertThat(spans).hasSize(2);
      assertThat(spans.get(0).get("name").asText()).isEqualTo("GET /orders");
      assertThat(spans.get(0).get("service").asText()).isEqualTo("orders");
      assertThat(spans.get(0).get("kind").asText()).isEqualTo("SERVER");
      assertThat(spans.get(0).get("attributes").get("http.route").asText()).isEqualTo("/orders");
      assertThat(spans.get(1).get("parentSpanId").asText())
          .isEqualTo(spans.get(0).get("spanId").asText());
      assertThat(get(vigil.httpPort(), "/api/v1/traces/" + traceId, null).statusCode())
          .isEqualTo(401);
      assertThat(get(vigil.httpPort(), "/metrics", null).body())
          .contains("vigil_console_requests_total", "vigil_collector_spans_total");

      LaunchOptions consoleOnly =
          LaunchOptions.parse(List.of("console", "--http-port=0", "--host=127.0.0.1"), env);
      try (Vigil.Running console = Vigil.start(consoleOnly)) {
        awaitReady(console.httpPort());
        assertThat(get(console.httpPort(), "/api/v1/traces/" + traceId, TOKEN).statusCode())
            .isEqualTo(200);
      }
    }
  }

  /** Sends a two-span trace as an instrumented service would and returns its id. */
  private String sendTrace(int otlpPort) {
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder()
            .setEndpoint("http://127.0.0.1:" + otlpPort + "/v1/traces")
            .addHeader("Authorization", "Bearer " + TOKEN)
            .build();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "orders")))
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();
    String traceId;
    try {
      Tracer tracer = provider.get("e2e");
      Span server = tracer.spanBuilder("GET /orders").setSpanKind(SpanKind.SERVER).startSpan();
      server.setAttribute("http.route", "/orders");
      try (Scope ignored = server.makeCurrent()) {
        tracer.spanBuilder("load orders").startSpan().end();
      } finally {
        server.end();
      }
      traceId = server.getSpanContext().getTraceId();
      CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
      assertThat(flushed.isSuccess()).isTrue();
    } finally {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
    return traceId;
  }

  private void awaitReady(int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (get(port, "/ready", null).statusCode() != 200) {
      assertThat(System.nanoTime()).as("console ready within 20 s").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private HttpResponse<String> get(int port, String path, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
