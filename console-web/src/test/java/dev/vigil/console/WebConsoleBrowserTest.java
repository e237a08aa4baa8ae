package dev.vigil.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.PostgresExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * A person uses the console in headless Chromium against a real collector, console and PostgreSQL:
 * signs in, finds a trace the OpenTelemetry SDK wrote and opens its waterfall, reads a service
 * page's charts, edits, publishes and rolls back a config entry, disables a registry node, and, as
 * a viewer, is refused an edit.
 */
class WebConsoleBrowserTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();
  @RegisterExtension static final BrowserExtension browser = new BrowserExtension();

  static final String TOKEN = "browser-test-admin-token";
  static final String ADMIN_PASSWORD = "correct-horse-battery-staple";
  static TestStack stack;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    stack =
        TestStack.start(
            postgres.jdbcUrl(),
            Set.of(TOKEN),
            ConsoleConfig.builder().adminPassword(ADMIN_PASSWORD));
    base = "http://127.0.0.1:" + stack.console.port();
    writeTraceWithOpenTelemetrySdk();
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @BeforeEach
  void signedOut() {
    driver().get("about:blank");
    driver().manage().deleteAllCookies();
  }

  /**
   * frontend calls checkout, which fails on a database call: two SDKs (one per service) export the
   * four spans of one trace, the call's context passed from one to the other as a header would.
   */
  static void writeTraceWithOpenTelemetrySdk() {
    try (SdkTracerProvider frontend = provider("frontend");
        SdkTracerProvider checkout = provider("checkout")) {
      Tracer front = frontend.get("browser-test");
      Tracer back = checkout.get("browser-test");
      Span root =
          front
              .spanBuilder("GET /checkout")
              .setSpanKind(SpanKind.SERVER)
              .setAttribute("http.route", "/checkout")
              .startSpan();
      try (Scope ignored = root.makeCurrent()) {
        Span call = front.spanBuilder("POST /charge").setSpanKind(SpanKind.CLIENT).startSpan();
        Span server =
            back.spanBuilder("POST /charge")
                .setParent(Context.current().with(call))
                .setSpanKind(SpanKind.SERVER)
                .startSpan();
        try (Scope inServer = server.makeCurrent()) {
          Span db =
              back.spanBuilder("SELECT orders")
                  .setSpanKind(SpanKind.CLIENT)
                  .setAttribute("db.system", "postgresql")
                  .startSpan();
          sleep(3);
          db.recordException(new IllegalStateException("card declined"));
          db.setStatus(StatusCode.ERROR, "card declined");
          db.end();
          server.setStatus(StatusCode.ERROR);
        } finally {
          server.end();
        }
        call.setStatus(StatusCode.ERROR);
        call.end();
      } finally {
        root.end();
      }
      frontend.forceFlush().join(10, TimeUnit.SECONDS);
      checkout.forceFlush().join(10, TimeUnit.SECONDS);
    }
  }

  static SdkTracerProvider provider(String service) {
    return SdkTracerProvider.builder()
        .setResource(
            Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service)))
        .addSpanProcessor(
            SimpleSpanProcessor.create(
                OtlpHttpSpanExporter.builder()
                    .setEndpoint("http://127.0.0.1:" + stack.collector.port() + "/v1/traces")
                    .addHeader("Authorization", "Bearer " + TOKEN)
                    .build()))
        .build();
  }

  @Test
  void adminSignsInAndSeesServicesWorstFirst() {
    signIn("admin", ADMIN_PASSWORD);

    waitFor(By.cssSelector("#overview .service-row"));
    List<WebElement> rows = driver().findElements(By.cssSelector("#overview .service-row"));
    assertThat(rows.get(0).getAttribute("data-service")).isEqualTo("checkout");
    assertThat(text("#who-name")).contains("admin (admin)");
    browser.screenshot("overview");
  }

  @Test
  void wrongPasswordIsRefusedWithAMessage() {
    driver().get(base + "/#/signin");
    driver().findElement(By.id("signin-name")).sendKeys("admin");
    driver().findElement(By.id("signin-password")).sendKeys("not-the-password");
    driver().findElement(By.id("signin-submit")).click();

    wait(d -> !d.findElement(By.id("signin-error")).getText().isEmpty());
    assertThat(text("#signin-error")).contains("wrong user name or password");
    browser.screenshot("signin-refused");
  }

  @Test
  void traceWrittenByTheSdkOpensAsAWaterfallWithItsException() {
    signIn("admin", ADMIN_PASSWORD);
    driver().get(base + "/#/traces?service=frontend");

    waitFor(By.cssSelector(".trace-row")).click();

    waitFor(By.cssSelector("#waterfall .wf-row"));
    assertThat(driver().findElements(By.cssSelector("#waterfall .wf-row")))
        .as(text("#waterfall"))
        .hasSize(4);
    assertThat(text("#span-count")).isEqualTo("4 spans");
    assertThat(text("#waterfall")).contains("GET /checkout", "POST /charge", "SELECT orders");
    assertThat(driver().findElements(By.cssSelector(".bar.critical"))).isNotEmpty();
    // The failing span is selected first: its exception stack is shown.
    waitFor(By.cssSelector("#span-detail .stack"));
    assertThat(text("#span-detail")).contains("card declined", "IllegalStateException");
    browser.screenshot("trace-waterfall");
    driver().get(base + "/#/traces?service=frontend");
    waitFor(By.cssSelector("#scatter circle"));
    browser.screenshot("traces");
  }

  @Test
  void servicePageDrawsRateErrorAndLatencyCharts() {
    signIn("admin", ADMIN_PASSWORD);
    driver().get(base + "/#/service/checkout?range=1h");

    waitFor(By.cssSelector("#service-charts .uplot"));
    assertThat(driver().findElements(By.cssSelector("#service-charts .uplot canvas"))).hasSize(3);
    waitFor(By.cssSelector("#operations"));
    assertThat(text("#operations")).contains("POST /charge");
    assertThat(text("#upstream")).contains("frontend");
    assertThat(text("#downstream")).contains("postgresql");
    assertThat(text("#error-traces")).doesNotContain("No error traces");
    browser.screenshot("service");
    driver().get(base + "/#/map?range=1h");
    waitFor(By.cssSelector("#service-map .node"));
    assertThat(driver().findElements(By.cssSelector("#service-map .edge"))).hasSize(2);
    browser.screenshot("service-map");
  }

  @Test
  void servicePageShowsJvmChartsOfEachInstanceExportedByTheAgent() {
    long now = System.currentTimeMillis() * 1_000_000L;
    long[] times = new long[12];
    for (int i = 0; i < times.length; i++) {
      times[i] = now - (times.length - 1 - i) * 10_000_000_000L;
    }
    String hostile = "inventory-2<img src=x onerror=alert(1)>";
    for (String instance : List.of("inventory-1", hostile)) {
      assertThat(
              stack
                  .otlp(TOKEN)
                  .postProtobuf("/v1/metrics", Otlp.jvm("inventory", instance, times))
                  .status())
          .isEqualTo(200);
    }
    signIn("admin", ADMIN_PASSWORD);
    driver().get(base + "/#/service/inventory?range=15m");

    waitFor(By.cssSelector("#jvm-charts .uplot"));
    wait(d -> d.findElements(By.cssSelector("#jvm-charts .jvm-chart .uplot canvas")).size() == 7);
    assertThat(driver().findElements(By.cssSelector("#jvm-instances .jvm-instance-id")))
        .extracting(WebElement::getText)
        .containsExactly("inventory-1", hostile);
    assertThat(driver().findElements(By.cssSelector("#jvm-instances img"))).isEmpty();
    assertThat(text("#jvm-instance-title")).isEqualTo("inventory-1");
    assertThat(text("#jvm-heap").toLowerCase(Locale.ROOT)).contains("used", "committed", "max");
    assertThat(driver().findElement(By.id("jvm-heap")).getAttribute("data-points")).isEqualTo("12");
    // Counters are drawn per interval: one point fewer than the exports.
    assertThat(driver().findElement(By.id("jvm-gc-count")).getAttribute("data-points"))
        .isEqualTo("11");
    scrollTo("#jvm-instances");
    browser.screenshot("service-jvm");

    driver().findElements(By.cssSelector("#jvm-instances tr.jvm-instance")).get(1).click();
    wait(d -> hostile.equals(d.findElement(By.id("jvm-instance-title")).getText()));
    wait(d -> d.findElements(By.cssSelector("#jvm-charts .jvm-chart .uplot canvas")).size() == 7);
    assertThat(driver().getCurrentUrl()).contains("instance=inventory-2");
    assertThat(text("#jvm-charts")).doesNotContain("null");
    scrollTo("#jvm-charts");
    browser.screenshot("service-jvm-second-instance");

    driver().get(base + "/#/service/frontend?range=1h");
    waitFor(By.cssSelector("#jvm-instances .empty"));
    assertThat(text("#jvm-instances")).contains("come from the Vigil agent");
    scrollTo("#jvm-instances");
    browser.screenshot("service-jvm-empty");
  }

  @Test
  void configEntryIsEditedPublishedSeenInHistoryAndRolledBack() {
    signIn("admin", ADMIN_PASSWORD);
    driver().get(base + "/#/config?env=dev&app=shop");
    waitFor(By.id("cfg-add")).click();
    waitFor(By.id("ed-key")).sendKeys("checkout.timeout");
    new Select(driver().findElement(By.id("ed-type"))).selectByValue("number");
    driver().findElement(By.id("ed-value")).sendKeys("abc");
    assertThat(text("#ed-check")).contains("not a number");
    assertThat(driver().findElement(By.id("ed-save")).isEnabled()).isFalse();
    driver().findElement(By.id("ed-value")).clear();
    driver().findElement(By.id("ed-value")).sendKeys("250");
    driver().findElement(By.id("ed-save")).click();
    publish("first timeout");
    wait(d -> d.findElements(By.cssSelector(".release-row")).size() == 1);

    waitFor(By.cssSelector(".entry-row .edit-entry")).click();
    WebElement value = waitFor(By.id("ed-value"));
    value.clear();
    value.sendKeys("900");
    driver().findElement(By.id("ed-save")).click();
    wait(d -> d.findElement(By.id("cfg-draft")).getText().contains("900"));
    browser.screenshot("config-draft-diff");
    publish("longer timeout");
    wait(d -> d.findElements(By.cssSelector(".release-row")).size() == 2);
    assertThat(text("#cfg-history")).contains("first timeout", "longer timeout");

    driver().findElement(By.cssSelector(".release-row[data-number='2'] .show-release")).click();
    wait(d -> d.findElement(By.id("cfg-release-detail")).getText().contains("900"));
    browser.screenshot("config-history");
    driver().findElement(By.cssSelector(".release-row[data-number='1'] .rollback")).click();
    waitFor(By.id("confirm-ok")).click();

    wait(d -> d.findElements(By.cssSelector(".release-row")).size() == 3);
    assertThat(text("#cfg-current")).isEqualTo("published release 3");
    assertThat(text(".entry-row[data-key='checkout.timeout'] .value")).isEqualTo("250");
    browser.screenshot("config-rolled-back");
  }

  @Test
  void registryNodeIsDisabledAfterConfirmation() {
    Http.Response registered =
        stack
            .api(TOKEN)
            .send(
                "PUT",
                "/api/v1/registry/services/orders/nodes/orders-1",
                "{\"version\":\"1.4.2\",\"address\":\"10.0.0.7:8080\",\"ttlSeconds\":300}");
    assertThat(registered.status()).isEqualTo(201);
    signIn("admin", ADMIN_PASSWORD);
    driver().get(base + "/#/registry/orders");

    waitFor(By.cssSelector(".node-row[data-node='orders-1'] .toggle-node")).click();
    browser.screenshot("registry-confirm");
    waitFor(By.id("confirm-ok")).click();

    wait(
        d ->
            d.findElement(By.cssSelector(".node-row[data-node='orders-1']"))
                .getText()
                .contains("disabled"));
    assertThat(stack.api(TOKEN).get("/api/v1/registry/services/orders").body())
        .contains("\"enabled\":false");
    browser.screenshot("registry");
  }

  @Test
  void viewerSeesNoEditControlsAndIsRefusedAnEdit() {
    Http.Response created =
        stack
            .api(TOKEN)
            .send(
                "POST",
                "/api/v1/users",
                "{\"name\":\"vera\",\"role\":\"viewer\",\"password\":\"viewer-password-1\"}");
    assertThat(created.status()).isEqualTo(201);
    signIn("vera", "viewer-password-1");
    driver().get(base + "/#/config?env=dev&app=shop");
    waitFor(By.id("cfg-history"));
    assertThat(driver().findElements(By.id("cfg-add"))).isEmpty();
    assertThat(driver().findElements(By.id("nav-users"))).isEmpty();

    // The page's own API client, with the session and its CSRF token, is still refused.
    Object status =
        ((JavascriptExecutor) driver())
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "import('/js/lib.js').then(lib => lib.api('/api/v1/config/dev/shop/entries/x',"
                    + " {method: 'PUT', body: {value: 'y'}})).then(() => done(200), e => done(e.status));");
    assertThat(status).isEqualTo(403L);
    browser.screenshot("viewer-config");
  }

  @Test
  void auditLogAndUsersPagesShowWhatAdminsDid() {
    signIn("admin", ADMIN_PASSWORD);
    driver().get(base + "/#/users");
    waitFor(By.id("new-user-name")).sendKeys("edith");
    new Select(driver().findElement(By.id("new-user-role"))).selectByValue("editor");
    driver().findElement(By.id("new-user-password")).sendKeys("editor-password-1");
    driver().findElement(By.id("new-user-submit")).click();
    wait(d -> !d.findElements(By.cssSelector(".user-row[data-user='edith']")).isEmpty());
    browser.screenshot("users");

    driver().get(base + "/#/audit");
    waitFor(By.cssSelector(".audit-row"));
    assertThat(text("#audit-page")).contains("users.user.create", "user/edith", "session.signin");
    browser.screenshot("audit");
  }

  @Test
  void logsLiveTailShowsANewRecordThatLinksToItsTrace() {
    signIn("admin", ADMIN_PASSWORD);
    driver().get(base + "/#/logs?service=checkout&tail=1");
    waitFor(By.id("log-lines"));

    long now = System.currentTimeMillis() * 1_000_000L;
    String traceId = "5bf92f3577b34da6a3ce929d0e0e4737";
    assertThat(
            stack
                .otlp(TOKEN)
                .postProtobuf(
                    "/v1/logs",
                    Otlp.logs(
                        "checkout",
                        List.of(
                            Otlp.log(
                                now,
                                17,
                                "ERROR",
                                "payment gateway timed out",
                                traceId,
                                "b100000000000001"))))
                .status())
        .isEqualTo(200);

    wait(d -> d.findElement(By.id("log-lines")).getText().contains("payment gateway timed out"));
    assertThat(driver().findElement(By.cssSelector(".logline .trace-link")).getAttribute("href"))
        .endsWith("#/trace/" + traceId);
    browser.screenshot("logs-live-tail");
  }

  @Test
  void grayReleaseGoesToChosenInstancesAndIsPromoted() {
    assertThat(
            stack
                .api(TOKEN)
                .send(
                    "PUT",
                    "/api/v1/config/prod/cart/entries/flag",
                    "{\"value\":\"false\",\"type\":\"boolean\"}")
                .status())
        .isEqualTo(201);
    assertThat(stack.api(TOKEN).send("POST", "/api/v1/config/prod/cart/releases", "{}").status())
        .isEqualTo(201);
    assertThat(
            stack
                .api(TOKEN)
                .send(
                    "PUT",
                    "/api/v1/config/prod/cart/entries/flag",
                    "{\"value\":\"true\",\"type\":\"boolean\"}",
                    "If-Match",
                    "*")
                .status())
        .isEqualTo(200);
    signIn("admin", ADMIN_PASSWORD);
    driver().get(base + "/#/config?env=prod&app=cart");

    waitFor(By.id("cfg-gray-ids")).sendKeys("cart-7");
    driver().findElement(By.id("cfg-gray")).click();
    waitFor(By.id("confirm-ok")).click();
    waitFor(By.id("cfg-gray-box"));
    assertThat(
            stack
                .api(TOKEN)
                .get("/api/v1/config/prod/cart?instance=cart-7")
                .json()
                .get("gray")
                .asBoolean())
        .isTrue();
    browser.screenshot("config-gray");
    driver().findElement(By.id("cfg-promote")).click();
    waitFor(By.id("confirm-ok")).click();

    wait(d -> d.findElements(By.id("cfg-gray-box")).isEmpty());
    assertThat(
            stack
                .api(TOKEN)
                .get("/api/v1/config/prod/cart?instance=cart-1")
                .json()
                .get("entries")
                .get("flag")
                .asText())
        .isEqualTo("true");
  }

  // --- helpers ---------------------------------------------------------------------------------

  private void publish(String message) {
    WebElement box = waitFor(By.id("cfg-message"));
    box.sendKeys(message);
    driver().findElement(By.id("cfg-publish")).click();
    waitFor(By.id("confirm-ok")).click();
  }

  static void signIn(String name, String password) {
    driver().get(base + "/#/signin");
    waitFor(By.id("signin-name")).sendKeys(name);
    driver().findElement(By.id("signin-password")).sendKeys(password);
    driver().findElement(By.id("signin-submit")).click();
    waitFor(By.id("who-name"));
  }

  static WebDriver driver() {
    return browser.driver();
  }

  static WebElement waitFor(By by) {
    try {
      return BrowserExtension.waiting(driver(), Duration.ofSeconds(30))
          .until(ExpectedConditions.visibilityOfElementLocated(by));
    } catch (org.openqa.selenium.TimeoutException e) {
      browser.screenshot("failed-waiting-for-" + by.toString().replaceAll("[^A-Za-z0-9-]", "_"));
      throw new AssertionError(
          "waited for "
              + by
              + " at "
              + driver().getCurrentUrl()
              + "; browser log: "
              + driver().manage().logs().get("browser").getAll(),
          e);
    }
  }

  static void wait(java.util.function.Function<WebDriver, Boolean> condition) {
    BrowserExtension.waiting(driver(), Duration.ofSeconds(30)).until(condition::apply);
  }

  static void scrollTo(String css) {
    ((JavascriptExecutor) driver())
        .executeScript("arguments[0].scrollIntoView()", driver().findElement(By.cssSelector(css)));
  }

  static String text(String css) {
    return driver().findElement(By.cssSelector(css)).getText();
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
