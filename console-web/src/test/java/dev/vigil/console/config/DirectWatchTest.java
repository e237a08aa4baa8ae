package dev.vigil.console.config;

import static dev.vigil.console.config.ConfigHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.collector.store.Store;
import dev.vigil.console.ConsoleServer;
import dev.vigil.console.config.ConfigHttp.Response;
import dev.vigil.testing.PostgresExtension;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Blocking queries answered from Jetty ahead of Javalin answer exactly what Javalin's route
 * answers: body, status and headers, gray instances and secrets included, and every request the
 * fast path does not take (bad token, missing scope, bad parameters) gets the route's error.
 * Requests with {@code Accept-Encoding} always go through Javalin, which gives the reference.
 */
class DirectWatchTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  static final String ADMIN = "admin-token-for-direct-watch-tests";
  static final String BASE = "/api/v1/config/prod/direct";
  static final String[] THROUGH_JAVALIN = {"Accept-Encoding", "identity"};
  static Store store;
  static ConsoleServer console;
  static ConfigHttp admin;
  static String reader;
  static String secrets;
  static String staging;

  @BeforeAll
  static void start() {
    store = Store.builder(postgres.jdbcUrl()).open();
    console = ConfigApiTest.startConsole(store, ADMIN);
    admin = new ConfigHttp(console.port(), ADMIN);
    reader = ConfigApiTest.issueWith(admin, "direct-reader", "config:read:prod");
    secrets =
        ConfigApiTest.issueWith(admin, "direct-secrets", "config:read:prod", "config:secrets:prod");
    staging = ConfigApiTest.issueWith(admin, "direct-staging", "config:read:staging");
    admin.put(BASE + "/entries/plain", json("value", "v1"));
    admin.put(BASE + "/entries/hidden", json("value", "s3cret", "secret", true));
    admin.post(BASE + "/releases", "");
  }

  @AfterAll
  static void stop() {
    console.close();
    store.close();
  }

  @Test
  void answersWhatJavalinsRouteAnswersWithTheSameHeaders() {
    for (String token : List.of(ADMIN, reader, secrets)) {
      ConfigHttp client = admin.as(token);
      long index = index(client);
      String query = BASE + "?instance=node-1&index=" + (index - 1) + "&wait=5s";
      long before = directAnswers();
      Response direct = client.get(query);
      assertThat(directAnswers()).isEqualTo(before + 1);
      Response javalin = client.get(query, THROUGH_JAVALIN);
      assertThat(directAnswers()).isEqualTo(before + 1);
      assertSame(direct, javalin);
      assertThat(direct.status()).isEqualTo(200);
      assertThat(direct.header("X-Vigil-Index")).isEqualTo(Long.toString(index));
    }
    long index = index(admin.as(reader));
    String query = BASE + "?instance=node-1&index=" + (index - 1);
    assertThat(admin.as(reader).get(query).json().get("withheld").get(0).asText())
        .isEqualTo("hidden");
    assertThat(admin.as(secrets).get(query).json().get("entries").get("hidden").asText())
        .isEqualTo("s3cret");
  }

  @Test
  void aParkedQueryIsAnsweredByThePublishWithTheNewIndex() throws Exception {
    ConfigHttp client = admin.as(reader);
    long index = index(client);
    long before = directAnswers();
    CompletableFuture<Response> waiting =
        client.getAsync(BASE + "?instance=node-2&index=" + index + "&wait=20s");
    Thread.sleep(300);
    assertThat(waiting).isNotDone();
    admin.set("prod/direct", "plain", json("value", "v-" + System.nanoTime()));
    admin.post(BASE + "/releases", "");
    Response woke = waiting.get(10, TimeUnit.SECONDS);
    assertThat(Long.parseLong(woke.header("X-Vigil-Index"))).isGreaterThan(index);
    assertThat(directAnswers()).isEqualTo(before + 1);
    String waited = BASE + "?instance=node-2&index=" + index + "&wait=20s";
    assertSame(client.get(waited), client.get(waited, THROUGH_JAVALIN));
    // The listener view records the release the fast path served (written once a second).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String instances = admin.get(BASE + "/instances").body();
    while (!instances.contains("node-2") && System.nanoTime() < deadline) {
      Thread.sleep(100);
      instances = admin.get(BASE + "/instances").body();
    }
    assertThat(instances).contains("node-2");
  }

  @Test
  void grayInstancesGetTheGrayReleaseAsThroughJavalin() {
    String app = "/api/v1/config/prod/direct-gray";
    admin.put(app + "/entries/feature", json("value", "false", "type", "boolean"));
    admin.post(app + "/releases", "");
    admin.set("prod/direct-gray", "feature", json("value", "true", "type", "boolean"));
    assertThat(admin.post(app + "/gray", json("instances", List.of("node-a"))).status())
        .isEqualTo(201);
    long index = Long.parseLong(admin.get(app).header("X-Vigil-Index"));
    for (String node : List.of("node-a", "node-b")) {
      String query = app + "?instance=" + node + "&index=" + (index - 1) + "&wait=1s";
      long before = directAnswers();
      Response direct = admin.get(query);
      assertThat(directAnswers()).isEqualTo(before + 1);
      assertSame(direct, admin.get(query, THROUGH_JAVALIN));
      assertThat(direct.json().get("gray").asBoolean()).isEqualTo(node.equals("node-a"));
      assertThat(direct.json().get("entries").get("feature").asText())
          .isEqualTo(node.equals("node-a") ? "true" : "false");
    }
    String labelled = app + "?instance=node-c&labels=zone%3Deu-1&index=" + (index - 1);
    assertSame(admin.get(labelled), admin.get(labelled, THROUGH_JAVALIN));
    admin.post(app + "/gray/abandon", "");
  }

  @Test
  void requestsTheFastPathDoesNotTakeGetTheRoutesErrors() {
    ConfigHttp client = admin.as(reader);
    long index = index(client);
    String ok = "?instance=node-3&index=" + index + "&wait=1s";
    Map<String, ConfigHttp> callers =
        Map.of(
            "no token", admin.as(null),
            "unknown token", admin.as("vgt_nobody"),
            "other env", admin.as(staging),
            "reader", client);
    List<String> queries =
        List.of(
            ok,
            "?instance=node-3&index=-1",
            "?instance=node-3&index=x&wait=1s",
            "?instance=node-3&index=1&wait=10h",
            "?instance=node-3&index=1&index=2",
            "?instance=10.0.0.1/24&index=1",
            "?instance=node-3&index=1&labels=bad",
            "?instance=node-3&index=1&colour=blue",
            "?index=");
    long before = directAnswers();
    for (Map.Entry<String, ConfigHttp> caller : callers.entrySet()) {
      for (String query : queries) {
        if (caller.getKey().equals("reader") && query.equals(ok)) {
          continue; // the one request the fast path answers
        }
        Response direct = caller.getValue().get(BASE + query);
        Response javalin = caller.getValue().get(BASE + query, THROUGH_JAVALIN);
        assertThat(direct.status()).as(caller.getKey() + " " + query).isEqualTo(javalin.status());
        assertSame(direct, javalin);
      }
    }
    assertThat(directAnswers()).isEqualTo(before);
    Response forbidden = admin.as(staging).get(BASE + ok);
    assertThat(forbidden.status()).isEqualTo(403);
    assertThat(forbidden.json().get("error").asText()).contains("config:read:prod");
    Response unknown = admin.as("vgt_nobody").get(BASE + ok);
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"vigil\"");
    Response bad = client.get(BASE + "?instance=node-3&index=-1");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("parameter").asText()).isEqualTo("index");
  }

  /** The app's index, read without blocking; also puts the caller's token in the cache. */
  private static long index(ConfigHttp client) {
    Response r = client.get(BASE);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return Long.parseLong(r.header("X-Vigil-Index"));
  }

  private static long directAnswers() {
    for (String line : admin.get("/metrics").body().split("\n")) {
      if (line.startsWith("vigil_console_config_direct_answers_total ")) {
        return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1));
      }
    }
    throw new AssertionError("no vigil_console_config_direct_answers_total in /metrics");
  }

  private static void assertSame(Response direct, Response javalin) {
    assertThat(direct.status()).isEqualTo(javalin.status());
    assertThat(direct.body()).isEqualTo(javalin.body());
    assertThat(headers(direct)).isEqualTo(headers(javalin));
  }

  /** Headers that must match; the date and how the length is framed may differ. */
  private static Map<String, List<String>> headers(Response r) {
    Map<String, List<String>> headers = new TreeMap<>(r.raw().headers().map());
    headers.keySet().removeAll(Set.of("date", "content-length", "transfer-encoding"));
    return headers;
  }
}
