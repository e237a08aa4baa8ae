package dev.vigil.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.collector.store.Store;
import dev.vigil.testing.PostgresExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every bad parameter is a 400 whose JSON body names the parameter and its value. */
class QueryApiParametersTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  static Store store;
  static ConsoleServer console;
  static Http api;

  @BeforeAll
  static void start() {
    store = Store.builder(postgres.jdbcUrl()).open();
    store.migrate();
    console =
        ConsoleServer.builder(store)
            .config(ConsoleConfig.builder().host("127.0.0.1").port(0).build())
            .start();
    api = new Http(console.port());
  }

  @AfterAll
  static void stop() {
    console.close();
    store.close();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/api/v1/traces/abc | traceId | abc",
        "/api/v1/traces/0af7651916cd43dd8448eb211c80319z | traceId | 0af7651916cd43dd8448eb211c80319z",
        "/api/v1/traces/00000000000000000000000000000000 | traceId | 00000000000000000000000000000000",
        "/api/v1/traces/0af7651916cd43dd8448eb211c80319c?limit=3 | limit | 3",
        "/api/v1/traces?limit=0 | limit | 0",
        "/api/v1/traces?limit=1001 | limit | 1001",
        "/api/v1/traces?limit=ten | limit | ten",
        "/api/v1/traces?limit=1&limit=2 | limit | 1,2",
        "/api/v1/traces?minDurationMs=-1 | minDurationMs | -1",
        "/api/v1/traces?maxDurationMs=1.5 | maxDurationMs | 1.5",
        "/api/v1/traces?minDurationMs=10&maxDurationMs=5 | maxDurationMs | 5",
        "/api/v1/traces?status=failed | status | failed",
        "/api/v1/traces?attr=novalue | attr | novalue",
        "/api/v1/traces?attr==x | attr | =x",
        "/api/v1/traces?attr=a%3D1&attr=b%3D2 | attr | 2 values",
        "/api/v1/traces?start=yesterday | start | yesterday",
        "/api/v1/traces?end=-5 | end | -5",
        "/api/v1/traces?start=2000&end=1000 | start | 2000",
        "/api/v1/traces?start=1000&end=1000 | start | 1000",
        "/api/v1/traces?start=0&end=604800000000001 | start | 0",
        "/api/v1/traces?sevice=checkout | sevice | checkout",
        "/api/v1/services?start=x | start | x",
        "/api/v1/services?start=0&end=2678400000000001 | start | 0",
        "/api/v1/services?limit=5 | limit | 5",
        "/api/v1/services/checkout/operations?end=abc | end | abc",
        "/api/v1/metrics/red | service | ''",
        "/api/v1/metrics/red?service= | service | ''",
        "/api/v1/metrics/red?service=a&step=30s | step | 30s",
        "/api/v1/metrics/red?service=a&step=90s | step | 90s",
        "/api/v1/metrics/red?service=a&step=2d | step | 2d",
        "/api/v1/metrics/red?service=a&step=fast | step | fast",
        "/api/v1/metrics/red?service=a&step=1m&start=0&end=2592000000000000 | step | 1m",
        "/api/v1/metrics/series | name | ''",
        "/api/v1/metrics/series?name=x&end=0 | end | 0",
        "/api/v1/metrics/series?name=x&instances=a | instances | a",
        "/api/v1/dependencies?end=soon | end | soon",
        "/api/v1/logs?severity=loud | severity | loud",
        "/api/v1/logs?traceId=xyz | traceId | xyz",
        "/api/v1/logs?limit=100000 | limit | 100000",
        "/api/v1/logs?q=%25&grep=x | grep | x",
      })
  void badParameterIs400NamingTheParameterAndValue(String path, String parameter, String value) {
    Http.Response response = api.get(path);

    assertThat(response.status()).as(response.body()).isEqualTo(400);
    JsonNode body = response.json();
    assertThat(body.get("parameter").asText()).isEqualTo(parameter);
    assertThat(body.get("value").asText()).isEqualTo(value);
    assertThat(body.get("error").asText()).startsWith(parameter + ": ").contains("(expected: ");
  }

  @Test
  void unknownPathIs404WithTheErrorBody() {
    Http.Response response = api.get("/api/v1/nothing-here");

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.json().get("error").asText()).contains("/api/v1/nothing-here");
  }

  @Test
  void limitOutOfRangeSaysWhatIsExpected() {
    JsonNode body = api.get("/api/v1/traces?limit=0").json();

    assertThat(body.get("error").asText()).isEqualTo("limit: 0 (expected: 1..1000)");
  }

  @ParameterizedTest
  @CsvSource({
    "/api/v1/traces?service=, service",
    "/api/v1/metrics/series?name=x&instance=, instance",
  })
  void overlongTextParameterIsRefused(String prefix, String parameter) {
    Http.Response response = api.get(prefix + "s".repeat(300));

    assertThat(response.status()).isEqualTo(400);
    JsonNode body = response.json();
    assertThat(body.get("parameter").asText()).isEqualTo(parameter);
    assertThat(body.get("error").asText()).startsWith(parameter + ": ").contains("256 characters");
  }

  @Test
  void validEmptyQueriesAnswer200WithEmptyResults() {
    assertThat(api.get("/api/v1/traces").json().get("traces")).isEmpty();
    assertThat(api.get("/api/v1/services").json().get("services")).isEmpty();
    assertThat(api.get("/api/v1/dependencies").json().get("edges")).isEmpty();
    assertThat(api.get("/api/v1/logs").json().get("logs")).isEmpty();
    assertThat(api.get("/api/v1/metrics/red?service=x&step=5m").json().get("points")).hasSize(3);
  }

  @Test
  void healthReadyAndMetricsAnswerOnTheConsolePort() {
    assertThat(api.get("/health").json().get("status").asText()).isEqualTo("up");
    Http.Response ready = api.get("/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().get("migrations").asText()).isEqualTo("done");
    api.get("/api/v1/services");
    Http.Response metrics = api.get("/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body())
        .contains(
            "vigil_console_requests_total{method=\"GET\",route=\"/api/v1/services\",status=\"200\"}");
  }

  @Test
  void readyIs503WhileTheDatabaseIsDown() throws Exception {
    postgres.refuseConnections();
    try {
      Http.Response ready = api.get("/ready");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.json().get("database").asText()).isEqualTo("unreachable");
      Http.Response query = api.get("/api/v1/services");
      assertThat(query.status()).isEqualTo(503);
      assertThat(query.json().get("error").asText()).isEqualTo("database unavailable");
    } finally {
      postgres.allowConnections();
    }
    assertThat(api.get("/ready").status()).isEqualTo(200);
  }
}
