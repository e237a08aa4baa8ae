package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs {@code bin/vigil-demo} as the README says, against the machine's PostgreSQL on
 * 127.0.0.1:5432 through {@code VIGIL_DB_URL} (a fresh database), and checks what a newcomer would
 * see: sign-in with the printed credentials, traces from all five shop services, a higher payments
 * error rate after {@code payments.failure-rate} is published through the API, and nothing left
 * running after SIGTERM.
 */
class ShopDemoEndToEndTest {
  private static final List<String> SHOP =
      List.of("gateway", "orders", "inventory", "payments", "notifications");
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  @Timeout(value = 12, unit = TimeUnit.MINUTES)
  void demoShowsAllServicesReactsToConfigAndStopsCleanly() throws Exception {
    assumeTrue(
        Checkout.listening(5432), "no PostgreSQL on 127.0.0.1:5432 (bin/vigil-test starts one)");
    String db = "vigil_demo_e2e_" + Long.toHexString(System.nanoTime());
    String admin = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";
    sql(admin, "CREATE DATABASE " + db);
    Process demo = null;
    try {
      ProcessBuilder pb = new ProcessBuilder("bin/vigil-demo").directory(Checkout.root().toFile());
      pb.environment()
          .put("VIGIL_DB_URL", "jdbc:postgresql://127.0.0.1:5432/" + db + "?user=postgres");
      pb.redirectErrorStream(true);
      demo = pb.start();
      Map<String, String> printed = new HashMap<>();
      CompletableFuture<Void> banner = new CompletableFuture<>();
      Process started = demo;
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    System.out.println("[demo] " + line);
                    String trimmed = line.trim();
                    for (String key : List.of("Vigil console:", "sign in as:", "API token:")) {
                      if (trimmed.startsWith(key)) {
                        synchronized (printed) {
                          printed.put(key, trimmed.substring(key.length()).trim());
                          if (printed.size() == 3) {
                            banner.complete(null);
                          }
                        }
                      }
                    }
                  }
                  banner.completeExceptionally(
                      new AssertionError("the demo ended before its banner"));
                } catch (Exception e) {
                  banner.completeExceptionally(e);
                }
              },
              "demo-output");
      reader.setDaemon(true);
      reader.start();
      banner.get(8, TimeUnit.MINUTES);
      String console = printed.get("Vigil console:").replaceAll("/$", "");
      String token = printed.get("API token:");
      assertThat(printed.get("sign in as:")).startsWith("admin / ");
      String password = printed.get("sign in as:").substring("admin / ".length());
      HttpResponse<String> signIn =
          http.send(
              HttpRequest.newBuilder(URI.create(console + "/api/v1/session"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          JSON.writeValueAsString(Map.of("name", "admin", "password", password))))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(signIn.statusCode()).as("sign-in with the printed credentials").isEqualTo(200);

      // traces from all five services within a minute
      long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      Map<String, JsonNode> services = Map.of();
      while (System.nanoTime() < until) {
        services = services(console, token);
        if (services.keySet().containsAll(SHOP)) {
          break;
        }
        Thread.sleep(1000);
      }
      assertThat(services.keySet()).containsAll(SHOP);
      for (String service : SHOP) {
        JsonNode traces =
            get(console + "/api/v1/traces?service=" + service + "&limit=1", token).get("traces");
        assertThat(traces.size()).as("traces of %s", service).isPositive();
      }

      // publish a high failure rate: the payments error rate rises
      double before = services.get("payments").get("errorRate").asDouble();
      String base = console + "/api/v1/config/demo/payments";
      send(
          "PUT",
          base + "/entries/payments.failure-rate",
          token,
          "*",
          "{\"value\":\"0.9\",\"type\":\"number\"}");
      send("POST", base + "/releases", token, null, "{\"message\":\"fail most payments\"}");
      double after = before;
      until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < until) {
        after = services(console, token).get("payments").get("errorRate").asDouble();
        if (after > before + 0.15) {
          break;
        }
        Thread.sleep(2000);
      }
      assertThat(after)
          .as("payments error rate after publishing 0.9 (was %s)", before)
          .isGreaterThan(before + 0.15);

      // SIGTERM (Ctrl-C in a terminal) stops every JVM the demo started
      List<ProcessHandle> children = demo.descendants().toList();
      assertThat(children).hasSizeGreaterThanOrEqualTo(6);
      demo.destroy();
      assertThat(demo.waitFor(90, TimeUnit.SECONDS)).as("the demo exits").isTrue();
      for (ProcessHandle child : children) {
        child.onExit().get(10, TimeUnit.SECONDS);
        assertThat(child.isAlive())
            .as("child %s", child.info().commandLine().orElse("?"))
            .isFalse();
      }
    } finally {
      if (demo != null && demo.isAlive()) {
        demo.descendants().forEach(ProcessHandle::destroyForcibly);
        demo.destroyForcibly();
      }
      sql(admin, "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    }
  }

  private Map<String, JsonNode> services(String console, String token) throws Exception {
    Map<String, JsonNode> byName = new HashMap<>();
    for (JsonNode s : get(console + "/api/v1/services", token).get("services")) {
      byName.put(s.get("name").asText(), s);
    }
    return byName;
  }

  private JsonNode get(String url, String token) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET %s: %s", url, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private void send(String method, String url, String token, @Nullable String ifMatch, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    if (ifMatch != null) {
      request.header("If-Match", ifMatch);
    }
    HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("%s %s: %s", method, url, r.body()).isBetween(200, 299);
  }

  private static void sql(String url, String statement) throws Exception {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
