package dev.vigil.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.PostgresExtension;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Service names, span attributes, log bodies and config values come from whoever can send telemetry
 * or edit config: the pages show markup in them as text and never run it.
 */
class EscapingBrowserTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();
  @RegisterExtension static final BrowserExtension browser = new BrowserExtension();

  static final String TOKEN = "escaping-test-admin-token";
  static final String PASSWORD = "escaping-admin-password";
  static final String SERVICE = "<img src=x onerror=window.__xss=1>";
  static final String ATTRIBUTE = "<script>window.__xss=2</script>";
  static final String LOG_BODY = "<img src=y onerror=window.__xss=3><b>bold</b>";
  static final String CONFIG_VALUE = "<svg onload=window.__xss=4></svg><i>x</i>";
  static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  static TestStack stack;
  static String base;

  @BeforeAll
  static void start() {
    stack =
        TestStack.start(
            postgres.jdbcUrl(), Set.of(TOKEN), ConsoleConfig.builder().adminPassword(PASSWORD));
    base = "http://127.0.0.1:" + stack.console.port();
    long now = System.currentTimeMillis() * 1_000_000L;
    Http otlp = stack.otlp(TOKEN);
    assertThat(
            otlp.postProtobuf(
                    "/v1/traces",
                    Otlp.traces(
                        Map.of(
                            SERVICE,
                            List.of(
                                Otlp.span(
                                        TRACE_ID,
                                        "a100000000000001",
                                        "",
                                        "GET " + ATTRIBUTE,
                                        SpanKind.SPAN_KIND_SERVER,
                                        now - 2_000_000_000L,
                                        40_000_000L)
                                    .addAttributes(Otlp.attr("user.note", ATTRIBUTE))
                                    .build()))))
                .status())
        .isEqualTo(200);
    assertThat(
            otlp.postProtobuf(
                    "/v1/logs",
                    Otlp.logs(
                        SERVICE,
                        List.of(
                            Otlp.log(
                                now - 1_990_000_000L,
                                17,
                                "ERROR",
                                LOG_BODY,
                                TRACE_ID,
                                "a100000000000001"))))
                .status())
        .isEqualTo(200);
    assertThat(
            stack
                .api(TOKEN)
                .send(
                    "PUT",
                    "/api/v1/config/dev/shop/entries/banner",
                    "{\"value\":" + json(CONFIG_VALUE) + ",\"type\":\"text\"}")
                .status())
        .isEqualTo(201);
    signIn();
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  void serviceNameIsShownAsTextOnTheOverview() {
    driver().get(base + "/#/overview?range=1h");
    waitFor(By.cssSelector(".service-name"));

    assertThat(driver().findElement(By.cssSelector(".service-name")).getText()).isEqualTo(SERVICE);
    assertNothingRan();
    browser.screenshot("overview");
  }

  @Test
  void spanAttributeAndLogBodyAreShownAsTextOnTheTracePage() {
    driver().get(base + "/#/trace/" + TRACE_ID);
    waitFor(By.cssSelector("#span-detail"));
    BrowserExtension.waiting(driver(), Duration.ofSeconds(15))
        .until(d -> d.findElement(By.id("span-logs")).getText().contains("bold"));

    assertThat(driver().findElement(By.id("span-detail")).getText())
        .contains(ATTRIBUTE, LOG_BODY, SERVICE);
    assertNothingRan();
    browser.screenshot("trace");
  }

  @Test
  void logBodyIsShownAsTextOnTheLogsPage() {
    driver().get(base + "/#/logs?range=1h");
    waitFor(By.cssSelector(".logline .body"));

    assertThat(driver().findElement(By.cssSelector(".logline .body")).getText())
        .isEqualTo(LOG_BODY);
    assertNothingRan();
    browser.screenshot("logs");
  }

  @Test
  void configValueIsShownAsTextInTheConfigCenter() {
    driver().get(base + "/#/config?env=dev&app=shop");
    waitFor(By.cssSelector(".entry-row .value"));

    assertThat(driver().findElement(By.cssSelector(".entry-row .value")).getText())
        .isEqualTo(CONFIG_VALUE);
    assertNothingRan();
    browser.screenshot("config");
  }

  /** No payload ran, and none of its markup became an element. */
  static void assertNothingRan() {
    JavascriptExecutor js = (JavascriptExecutor) driver();
    assertThat(js.executeScript("return window.__xss === undefined")).isEqualTo(true);
    assertThat(
            js.executeScript(
                "return document.querySelectorAll('#page img, #page script, #page b, #page i,"
                    + " #page svg[onload]').length"))
        .isEqualTo(0L);
  }

  static void signIn() {
    driver().get(base + "/#/signin");
    waitFor(By.id("signin-name")).sendKeys("admin");
    driver().findElement(By.id("signin-password")).sendKeys(PASSWORD);
    driver().findElement(By.id("signin-submit")).click();
    waitFor(By.id("who-name"));
  }

  static String json(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static WebDriver driver() {
    return browser.driver();
  }

  static org.openqa.selenium.WebElement waitFor(By by) {
    return BrowserExtension.waiting(driver(), Duration.ofSeconds(15))
        .until(ExpectedConditions.visibilityOfElementLocated(by));
  }
}
