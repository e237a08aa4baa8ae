package dev.vigil.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.collector.store.Store;
import dev.vigil.testing.PostgresExtension;
import java.net.HttpCookie;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions over real HTTP: the first admin's generated password, the cookie's flags, CSRF and
 * session checks on state-changing requests, roles, the sign-in rate limit and the headers every
 * page carries.
 */
class SessionSecurityTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();
  @TempDir static Path dir;

  static final String TOKEN = "session-test-admin-token";
  static Store store;
  static ConsoleServer console;
  static Path passwordFile;
  static Http http;

  @BeforeAll
  static void start() {
    store = Store.builder(postgres.jdbcUrl()).open();
    store.migrate();
    passwordFile = dir.resolve("secrets").resolve("admin-password");
    console =
        ConsoleServer.builder(store)
            .config(
                ConsoleConfig.builder()
                    .host("127.0.0.1")
                    .port(0)
                    .tokens(Set.of(TOKEN))
                    .adminPasswordFile(passwordFile)
                    .build())
            .start();
    http = new Http(console.port());
  }

  @AfterAll
  static void stop() {
    console.close();
    store.close();
  }

  @Test
  void firstAdminPasswordIsGeneratedIntoAnOwnerOnlyFileAndWorks() throws Exception {
    assertThat(Files.getPosixFilePermissions(passwordFile))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    String password = Files.readString(passwordFile).trim();
    assertThat(password).hasSizeGreaterThanOrEqualTo(20).isNotEqualTo("admin");

    Session admin = signIn("admin", password);

    assertThat(admin.cookie.isHttpOnly()).isTrue();
    assertThat(admin.setCookie).contains("SameSite=Strict").contains("Path=/");
    assertThat(
            http.send("GET", "/api/v1/session", null, "Cookie", admin.header())
                .json()
                .get("role")
                .asText())
        .isEqualTo("admin");
  }

  @Test
  void aSecondStartKeepsTheFirstAdminAndDoesNotRewriteItsPassword() throws Exception {
    String before = Files.readString(passwordFile);
    Path other = dir.resolve("other-password");
    try (ConsoleServer again =
        ConsoleServer.builder(store)
            .config(
                ConsoleConfig.builder()
                    .host("127.0.0.1")
                    .port(0)
                    .adminPasswordFile(other)
                    .adminPassword("a-different-password")
                    .build())
            .start()) {
      assertThat(again.port()).isPositive();
    }
    assertThat(other).doesNotExist();
    assertThat(Files.readString(passwordFile)).isEqualTo(before);
  }

  @Test
  void stateChangingRequestWithSessionButWithoutCsrfTokenIsRefused() throws Exception {
    Session admin = signIn("admin", adminPassword());
    String body = "{\"name\":\"mallory\",\"role\":\"admin\",\"password\":\"mallory-password\"}";

    Http.Response noToken = http.send("POST", "/api/v1/users", body, "Cookie", admin.header());
    Http.Response wrongToken =
        http.send("POST", "/api/v1/users", body, "Cookie", admin.header(), "X-CSRF-Token", "guess");

    assertThat(noToken.status()).isEqualTo(403);
    assertThat(noToken.json().get("error").asText()).contains("X-CSRF-Token");
    assertThat(wrongToken.status()).isEqualTo(403);
    Http.Response withToken =
        http.send(
            "POST", "/api/v1/users", body, "Cookie", admin.header(), "X-CSRF-Token", admin.csrf);
    assertThat(withToken.status()).isEqualTo(201);
  }

  @Test
  void signingOutEndsTheSession() throws Exception {
    Session admin = signIn("admin", adminPassword());

    Http.Response out =
        http.send(
            "DELETE",
            "/api/v1/session",
            null,
            "Cookie",
            admin.header(),
            "X-CSRF-Token",
            admin.csrf);

    assertThat(out.status()).isEqualTo(204);
    assertThat(http.send("GET", "/api/v1/session", null, "Cookie", admin.header()).status())
        .isEqualTo(401);
  }

  @Test
  void requestsWithoutSessionOrTokenAreRefused() {
    assertThat(http.send("POST", "/api/v1/users", "{}").status()).isEqualTo(401);
    assertThat(http.send("PUT", "/api/v1/config/dev/shop/entries/k", "{\"value\":\"v\"}").status())
        .isEqualTo(401);
    assertThat(http.send("GET", "/api/v1/services", null).status()).isEqualTo(401);
    assertThat(http.send("GET", "/api/v1/session", null, "Cookie", "vigil_session=forged").status())
        .isEqualTo(401);
  }

  @Test
  void viewerReadsTelemetryButIsRefusedConfigEditsAndUserManagement() throws Exception {
    Session admin = signIn("admin", adminPassword());
    http.send(
        "POST",
        "/api/v1/users",
        "{\"name\":\"victor\",\"role\":\"viewer\",\"password\":\"viewer-password\"}",
        "Cookie",
        admin.header(),
        "X-CSRF-Token",
        admin.csrf);
    Session viewer = signIn("victor", "viewer-password");

    assertThat(http.send("GET", "/api/v1/services", null, "Cookie", viewer.header()).status())
        .isEqualTo(200);
    Http.Response edit =
        http.send(
            "PUT",
            "/api/v1/config/dev/shop/entries/k",
            "{\"value\":\"v\"}",
            "Cookie",
            viewer.header(),
            "X-CSRF-Token",
            viewer.csrf);
    assertThat(edit.status()).isEqualTo(403);
    assertThat(edit.json().get("error").asText()).contains("config:edit");
    assertThat(http.send("GET", "/api/v1/users", null, "Cookie", viewer.header()).status())
        .isEqualTo(403);
  }

  @Test
  void bearerTokensKeepWorkingForScriptsWithoutCsrf() {
    Http.Response created =
        new Http(console.port(), TOKEN)
            .send(
                "PUT",
                "/api/v1/config/dev/scripted/entries/k",
                "{\"value\":\"v\",\"type\":\"text\"}");
    assertThat(created.status()).isEqualTo(201);
  }

  @Test
  void repeatedWrongPasswordsAreRateLimited() {
    // A console of its own: the limit would otherwise lock the other tests' address out too.
    try (ConsoleServer limited =
        ConsoleServer.builder(store)
            .config(
                ConsoleConfig.builder()
                    .host("127.0.0.1")
                    .port(0)
                    .adminPasswordFile(dir.resolve("unused"))
                    .build())
            .start()) {
      Http client = new Http(limited.port());
      String body = "{\"name\":\"admin\",\"password\":\"wrong-password\"}";
      for (int i = 0; i < 5; i++) {
        assertThat(client.send("POST", "/api/v1/session", body).status()).isEqualTo(401);
      }
      Http.Response refused = client.send("POST", "/api/v1/session", body);
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.raw().headers().firstValue("Retry-After")).isPresent();
    }
  }

  @Test
  void signInRefusesFormPostsThatAPageOnAnotherSiteCouldSend() {
    Http.Response form =
        http.send(
            "POST", "/api/v1/session", null, "Content-Type", "application/x-www-form-urlencoded");
    assertThat(form.status()).isEqualTo(415);
  }

  @Test
  void pagesCarryAStrictContentSecurityPolicy() {
    Http.Response page = http.send("GET", "/", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("/js/app.js").doesNotContain("<script>");
    String csp = page.raw().headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp)
        .contains("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval");
    assertThat(page.raw().headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(http.send("GET", "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", null).status())
        .isEqualTo(200);
  }

  // --- helpers ---------------------------------------------------------------------------------

  record Session(HttpCookie cookie, String setCookie, String csrf) {
    String header() {
      return cookie.getName() + "=" + cookie.getValue();
    }
  }

  static String adminPassword() throws Exception {
    return Files.readString(passwordFile).trim();
  }

  static Session signIn(String name, String password) {
    Http.Response r =
        http.send(
            "POST",
            "/api/v1/session",
            "{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    String setCookie = r.raw().headers().firstValue("Set-Cookie").orElseThrow();
    List<HttpCookie> cookies = HttpCookie.parse(setCookie);
    return new Session(cookies.get(0), setCookie, r.json().get("csrfToken").asText());
  }
}
