package dev.vigil.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.collector.store.Store;
import dev.vigil.testing.PostgresExtension;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** With a token configured, every /api/v1 request needs it as a bearer token. */
class ConsoleAuthTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  static final String TOKEN = "s3cret-admin-token";
  static Store store;
  static ConsoleServer console;

  @BeforeAll
  static void start() {
    store = Store.builder(postgres.jdbcUrl()).open();
    store.migrate();
    console =
        ConsoleServer.builder(store)
            .config(ConsoleConfig.builder().host("127.0.0.1").port(0).tokens(Set.of(TOKEN)).build())
            .start();
  }

  @AfterAll
  static void stop() {
    console.close();
    store.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/v1/traces",
        "/api/v1/traces/0af7651916cd43dd8448eb211c80319c",
        "/api/v1/services",
        "/api/v1/services/checkout/operations",
        "/api/v1/metrics/red?service=checkout",
        "/api/v1/metrics/series?name=x",
        "/api/v1/dependencies",
        "/api/v1/logs",
        "/api/v1/traces?limit=0"
      })
  void apiWithoutTokenIs401(String path) {
    Http.Response response = new Http(console.port()).get(path);

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.json().get("error").asText()).isEqualTo("missing or invalid bearer token");
    assertThat(response.raw().headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer realm=\"vigil\"");
  }

  @Test
  void apiWithAWrongTokenIs401() {
    assertThat(new Http(console.port(), "not-the-token").get("/api/v1/services").status())
        .isEqualTo(401);
  }

  @Test
  void apiWithTheTokenAnswers() {
    assertThat(new Http(console.port(), TOKEN).get("/api/v1/services").status()).isEqualTo(200);
    assertThat(new Http(console.port(), TOKEN).get("/api/v1/traces?limit=0").status())
        .isEqualTo(400);
  }

  @Test
  void operationalEndpointsNeedNoToken() {
    Http anonymous = new Http(console.port());

    assertThat(anonymous.get("/health").status()).isEqualTo(200);
    assertThat(anonymous.get("/ready").status()).isEqualTo(200);
    assertThat(anonymous.get("/metrics").status()).isEqualTo(200);
  }
}
