package dev.vigil.console;

import static dev.vigil.console.ConsoleFixture.admin;
import static dev.vigil.console.ConsoleFixture.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.console.schema.ConsoleSchema;
import dev.vigil.testing.PostgresExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Tokens with scopes and the audit log, over HTTP against a real console and database. */
class AccessAndAuditTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  static ConsoleFixture fixture;
  static ConsoleServer console;

  @BeforeAll
  static void start() {
    fixture = new ConsoleFixture(postgres.jdbcUrl());
    console = fixture.start();
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @Test
  void requestWithoutTokenIsUnauthorized() {
    JsonHttp.Response r = client(console, null).get("/api/v1/access/whoami");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(r.json().get("error").asText()).isEqualTo("missing bearer token");
  }

  @Test
  void unknownTokenIsUnauthorized() {
    JsonHttp.Response r = client(console, "vgt_not-a-real-token").get("/api/v1/access/whoami");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().get("error").asText()).isEqualTo("unknown, revoked or expired token");
  }

  @Test
  void configuredTokenIsSeededAsAdmin() {
    JsonNode me = admin(console).get("/api/v1/access/whoami").json();
    assertThat(me.get("name").asText()).startsWith("seed-");
    assertThat(me.get("scopes").toString()).isEqualTo("[\"admin\"]");
  }

  @Test
  void issuedTokenCarriesItsScopesAndIsListedWithoutSecret() {
    String token =
        ConsoleFixture.issue(console, "reader-1", "registry:read", "registry:register:orders");
    assertThat(token).startsWith("vgt_");
    JsonNode me = client(console, token).get("/api/v1/access/whoami").json();
    assertThat(me.get("name").asText()).isEqualTo("reader-1");
    assertThat(me.get("scopes").toString())
        .isEqualTo("[\"registry:read\",\"registry:register:orders\"]");

    String listing = admin(console).get("/api/v1/access/tokens").body();
    assertThat(listing).contains("\"name\":\"reader-1\"").doesNotContain(token);
  }

  @Test
  void tokenWithoutRequiredScopeIsForbiddenNamingTheScope() {
    String token = ConsoleFixture.issue(console, "reader-2", "registry:read");
    JsonHttp.Response r = client(console, token).get("/api/v1/access/tokens");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().get("error").asText()).isEqualTo("token 'reader-2' lacks scope admin");

    JsonHttp.Response audit = client(console, token).get("/api/v1/audit");
    assertThat(audit.status()).isEqualTo(403);
    assertThat(audit.json().get("error").asText()).contains("audit:read");
  }

  @Test
  void revokedTokenStopsWorkingAtOnce() {
    String token = ConsoleFixture.issue(console, "short-lived", "registry:read");
    assertThat(client(console, token).get("/api/v1/access/whoami").status()).isEqualTo(200);
    assertThat(admin(console).delete("/api/v1/access/tokens/short-lived").status()).isEqualTo(204);
    assertThat(client(console, token).get("/api/v1/access/whoami").status()).isEqualTo(401);
    assertThat(admin(console).delete("/api/v1/access/tokens/short-lived").status()).isEqualTo(404);
  }

  @Test
  void telemetryReadScopeOpensTheQueryApi() {
    String reader = ConsoleFixture.issue(console, "dashboards", "telemetry:read");
    String other = ConsoleFixture.issue(console, "not-telemetry", "registry:read");
    JsonHttp.Response r = client(console, reader).get("/api/v1/services");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(client(console, other).get("/api/v1/services").status()).isEqualTo(401);
    assertThat(client(console, null).get("/api/v1/services").status()).isEqualTo(401);
  }

  @Test
  void freshRegistryListsNoServicesAtTheFirstIndex() {
    JsonHttp.Response r = admin(console).get("/api/v1/registry/services");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("services")).isEmpty();
    assertThat(r.index()).isEqualTo(1);
  }

  @Test
  void tokenNameIsUnique() {
    ConsoleFixture.issue(console, "dup", "registry:read");
    JsonHttp.Response r =
        admin(console)
            .post("/api/v1/access/tokens", Map.of("name", "dup", "scopes", List.of("admin")));
    assertThat(r.status()).isEqualTo(409);
  }

  @Test
  void badTokenRequestsNameTheField() {
    JsonHttp api = admin(console);
    assertBadField(
        api.post("/api/v1/access/tokens", Map.of("name", "x", "scopes", List.of("bad scope"))),
        "scopes");
    assertBadField(
        api.post("/api/v1/access/tokens", Map.of("name", "x", "scopes", List.of())), "scopes");
    assertBadField(api.post("/api/v1/access/tokens", Map.of("name", "x")), "scopes");
    assertBadField(
        api.post("/api/v1/access/tokens", Map.of("name", "has space", "scopes", List.of("admin"))),
        "name");
    assertBadField(
        api.post(
            "/api/v1/access/tokens",
            Map.of("name", "x", "scopes", List.of("admin"), "expiresInSeconds", 0)),
        "expiresInSeconds");
    assertBadField(
        api.post(
            "/api/v1/access/tokens", Map.of("name", "x", "scopes", List.of("admin"), "role", "a")),
        "role");
    assertBadField(api.post("/api/v1/access/tokens", "{\"name\": "), "body");
    assertBadField(api.post("/api/v1/access/tokens", "[]"), "body");
    assertBadField(api.get("/api/v1/audit?limit=0"), "limit");
    assertBadField(api.get("/api/v1/audit?start=yesterday"), "start");
    assertBadField(api.get("/api/v1/audit?colour=red"), "colour");
  }

  @Test
  void tokenChangesAreAuditedWithWhoAndFromWhere() {
    JsonHttp api = admin(console).withHeader("X-Forwarded-For", "203.0.113.7, 10.0.0.1");
    api.post(
        "/api/v1/access/tokens", Map.of("name", "audited", "scopes", List.of("registry:read")));
    api.delete("/api/v1/access/tokens/audited");

    JsonNode entries =
        admin(console).get("/api/v1/audit?target=token/audited").json().get("entries");
    assertThat(entries).hasSize(2);
    JsonNode revoke = entries.get(0);
    assertThat(revoke.get("action").asText()).isEqualTo("access.token.revoke");
    assertThat(revoke.get("actor").asText()).startsWith("seed-");
    assertThat(revoke.get("remoteAddress").asText()).isEqualTo("127.0.0.1");
    assertThat(revoke.get("forwardedFor").asText()).isEqualTo("203.0.113.7, 10.0.0.1");
    JsonNode issue = entries.get(1);
    assertThat(issue.get("action").asText()).isEqualTo("access.token.issue");
    assertThat(issue.get("details").get("scopes").toString()).isEqualTo("[\"registry:read\"]");
    assertThat(issue.get("atUnixNano").asLong())
        .isLessThanOrEqualTo(revoke.get("atUnixNano").asLong());

    JsonNode prefixed = admin(console).get("/api/v1/audit?action=access.token.*&limit=1").json();
    assertThat(prefixed.get("entries")).hasSize(1);
    long next = prefixed.get("next").asLong();
    JsonNode older =
        admin(console).get("/api/v1/audit?action=access.token.*&before=" + next).json();
    assertThat(older.get("entries").get(0).get("id").asLong()).isLessThan(next);
  }

  @Test
  void auditRowsCannotBeChangedOrDeleted() throws Exception {
    admin(console)
        .post("/api/v1/access/tokens", Map.of("name", "for-audit", "scopes", List.of("admin")));
    try (Connection c = postgres.connect();
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.execute("UPDATE console.audit SET actor = 'someone else'"))
          .hasMessageContaining("append-only");
      assertThatThrownBy(() -> s.execute("DELETE FROM console.audit"))
          .hasMessageContaining("append-only");
    }
  }

  @Test
  void concurrentMigrationsOfOneDatabaseAllSucceed() throws Exception {
    try (Connection c = postgres.connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + postgres.databaseName() + "_m");
    }
    String url =
        postgres.jdbcUrl().replace(postgres.databaseName(), postgres.databaseName() + "_m");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<Object>> results = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        Callable<Object> migrate =
            () -> {
              var ds = new org.postgresql.ds.PGSimpleDataSource();
              ds.setURL(url);
              ConsoleSchema.migrate(ds);
              return null;
            };
        results.add(pool.submit(migrate));
      }
      for (Future<Object> result : results) {
        result.get();
      }
    } finally {
      pool.shutdown();
      try (Connection c = postgres.connect();
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE " + postgres.databaseName() + "_m WITH (FORCE)");
      }
    }
  }

  static void assertBadField(JsonHttp.Response r, String field) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().get("parameter").asText()).as(r.body()).isEqualTo(field);
  }
}
