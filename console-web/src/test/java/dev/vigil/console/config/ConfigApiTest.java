package dev.vigil.console.config;

import static dev.vigil.console.config.ConfigHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.collector.store.Store;
import dev.vigil.console.ConsoleConfig;
import dev.vigil.console.ConsoleServer;
import dev.vigil.console.config.ConfigHttp.Response;
import dev.vigil.testing.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConfigApiTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  static final String ADMIN = "admin-token-for-config-tests";
  static String READER;
  static String SECRETS;
  static String EDITOR;
  static String STAGING_READER;

  static Store store;
  static ConsoleServer console;
  static ConfigHttp admin;

  @BeforeAll
  static void start() {
    store = Store.builder(postgres.jdbcUrl()).open();
    store.migrate(); // the telemetry schema and the config schema share the database
    console = startConsole(store, ADMIN);
    admin = new ConfigHttp(console.port(), ADMIN);
    READER = issue("reader", "config:read:prod");
    SECRETS = issue("secret-reader", "config:read:prod", "config:secrets:prod");
    EDITOR = issue("editor", "config:read:prod", "config:edit");
    STAGING_READER = issue("staging-reader", "config:read:staging");
  }

  /** A console on a free loopback port with admin token {@code admin} and a random secret key. */
  static ConsoleServer startConsole(Store store, String admin) {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return ConsoleServer.builder(store)
        .config(ConsoleConfig.builder().host("127.0.0.1").port(0).tokens(Set.of(admin)).build())
        .secretCipher(SecretCipher.ofBase64Key(Base64.getEncoder().encodeToString(key)))
        .start();
  }

  /** Issues a token through the access API and returns its secret. */
  static String issue(String name, String... scopes) {
    return issueWith(admin, name, scopes);
  }

  /** Issues a token through {@code admin}'s access API and returns its secret. */
  static String issueWith(ConfigHttp admin, String name, String... scopes) {
    Response r = admin.post("/api/v1/access/tokens", json("name", name, "scopes", List.of(scopes)));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("token").asText();
  }

  @AfterAll
  static void stop() {
    console.close();
    store.close();
  }

  static String entry(String app, String key) {
    return "/api/v1/config/prod/" + app + "/entries/" + key;
  }

  @Test
  void creatingNeedsNoIfMatchAndAStaleVersionIsRejectedWith409() {
    Response created = admin.put(entry("edit", "db.pool"), json("value", "10", "type", "number"));
    assertThat(created.status()).isEqualTo(201);
    String v1 = created.header("ETag");
    assertThat(v1).matches("\"[0-9]+\"");
    assertThat(created.json().get("version").asText()).isEqualTo(v1.replace("\"", ""));

    Response updated =
        admin.put(entry("edit", "db.pool"), json("value", "20", "type", "number"), "If-Match", v1);
    assertThat(updated.status()).isEqualTo(200);
    String v2 = updated.header("ETag");
    assertThat(v2).isNotEqualTo(v1);

    Response stale =
        admin.put(entry("edit", "db.pool"), json("value", "30", "type", "number"), "If-Match", v1);
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.json().get("error").asText())
        .contains("changed")
        .contains("not " + v1.replace("\"", ""));

    Response blindOverwrite = admin.put(entry("edit", "db.pool"), json("value", "40"));
    assertThat(blindOverwrite.status()).isEqualTo(409);
    assertThat(blindOverwrite.json().get("error").asText()).contains("If-Match");

    Response missing = admin.put(entry("edit", "nope"), json("value", "x"), "If-Match", "\"1\"");
    assertThat(missing.status()).isEqualTo(412);

    Response read = admin.get(entry("edit", "db.pool"));
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.header("ETag")).isEqualTo(v2);
    assertThat(read.json().get("value").asText()).isEqualTo("20");
    assertThat(read.json().get("type").asText()).isEqualTo("number");

    assertThat(admin.delete(entry("edit", "db.pool")).status()).isEqualTo(428);
    assertThat(admin.delete(entry("edit", "db.pool"), "If-Match", v1).status()).isEqualTo(409);
    assertThat(admin.delete(entry("edit", "db.pool"), "If-Match", v2).status()).isEqualTo(204);
    assertThat(admin.get(entry("edit", "db.pool")).status()).isEqualTo(404);
    // A version never comes back: the deleted entry's ETag does not match a re-created one.
    Response again = admin.put(entry("edit", "db.pool"), json("value", "1", "type", "number"));
    assertThat(again.header("ETag")).isNotIn(v1, v2);
  }

  @Test
  void publishMakesNumberedReleasesWithADiffAgainstThePredecessor() {
    String base = "/api/v1/config/prod/shop";
    admin.put(entry("shop", "a"), json("value", "1"));
    admin.put(entry("shop", "b"), json("value", "2"));
    Response first = admin.post(base + "/releases", json("message", "first"));
    assertThat(first.status()).isEqualTo(201);
    assertThat(first.json().get("number").asInt()).isEqualTo(1);
    assertThat(first.json().get("author").asText()).isNotBlank().isNotEqualTo(ADMIN);
    assertThat(keys(first.json().get("diff").get("added"))).containsExactly("a", "b");

    admin.set("prod/shop", "a", json("value", "one"));
    admin.delete(entry("shop", "b"), "If-Match", admin.get(entry("shop", "b")).header("ETag"));
    admin.put(entry("shop", "c"), json("value", "3"));

    JsonNode listing = admin.get(base + "/entries").json();
    assertThat(stateOf(listing, "a")).isEqualTo("modified");
    assertThat(stateOf(listing, "b")).isEqualTo("deleted");
    assertThat(stateOf(listing, "c")).isEqualTo("added");

    // Drafts do not reach instances before they are published.
    assertThat(admin.get(base + "?instance=n1").json().get("entries").get("a").asText())
        .isEqualTo("1");

    Response second = admin.post(base + "/releases", json("message", "second"));
    JsonNode diff = second.json().get("diff");
    assertThat(keys(diff.get("added"))).containsExactly("c");
    assertThat(keys(diff.get("changed"))).containsExactly("a");
    assertThat(diff.get("changed").get(0).get("old").get("value").asText()).isEqualTo("1");
    assertThat(diff.get("changed").get(0).get("new").get("value").asText()).isEqualTo("one");
    assertThat(keys(diff.get("removed"))).containsExactly("b");

    JsonNode view = admin.get(base + "?instance=n1").json();
    assertThat(view.get("release").asInt()).isEqualTo(2);
    assertThat(view.get("entries").toString()).isEqualTo("{\"a\":\"one\",\"c\":\"3\"}");

    assertThat(admin.post(base + "/releases", json("message", "again")).status()).isEqualTo(409);

    JsonNode history = admin.get(base + "/releases").json();
    assertThat(history.get("current").asInt()).isEqualTo(2);
    assertThat(history.get("releases").get(0).get("number").asInt()).isEqualTo(2);
    assertThat(history.get("releases").get(1).get("message").asText()).isEqualTo("first");
    JsonNode one = admin.get(base + "/releases/1").json();
    assertThat(one.get("entries").get("b").get("value").asText()).isEqualTo("2");
    assertThat(admin.get(base + "/releases/9").status()).isEqualTo(404);
  }

  @Test
  void rollbackPublishesAnOldReleasesContentAsANewReleaseAndResetsTheDrafts() {
    String base = "/api/v1/config/prod/rb";
    admin.put(entry("rb", "mode"), json("value", "safe"));
    admin.post(base + "/releases", json("message", "v1"));
    admin.set("prod/rb", "mode", json("value", "fast"));
    admin.post(base + "/releases", json("message", "v2"));
    assertThat(admin.get(base).json().get("entries").get("mode").asText()).isEqualTo("fast");

    Response rolled = admin.post(base + "/releases/1/rollback", json("message", "fast broke"));
    assertThat(rolled.status()).isEqualTo(201);
    assertThat(rolled.json().get("number").asInt()).isEqualTo(3);
    assertThat(rolled.json().get("rollbackOf").asInt()).isEqualTo(1);
    assertThat(keys(rolled.json().get("diff").get("changed"))).containsExactly("mode");
    assertThat(admin.get(base).json().get("release").asInt()).isEqualTo(3);
    assertThat(admin.get(base).json().get("entries").get("mode").asText()).isEqualTo("safe");
    assertThat(admin.get(entry("rb", "mode")).json().get("value").asText()).isEqualTo("safe");

    assertThat(admin.post(base + "/releases/3/rollback", "").status()).isEqualTo(409);
    assertThat(admin.post(base + "/releases/42/rollback", "").status()).isEqualTo(404);
  }

  @Test
  void aGrayReleaseReachesOnlyTheChosenInstanceUntilPromoted() {
    String base = "/api/v1/config/prod/gray";
    admin.put(entry("gray", "feature"), json("value", "false", "type", "boolean"));
    admin.post(base + "/releases", json("message", "base"));
    admin.set("prod/gray", "feature", json("value", "true", "type", "boolean"));

    Response gray =
        admin.post(base + "/gray", json("message", "try it", "instances", List.of("node-a")));
    assertThat(gray.status()).isEqualTo(201);
    assertThat(gray.json().get("status").asText()).isEqualTo("gray");
    int grayNumber = gray.json().get("number").asInt();

    assertThat(feature(base, "node-a")).isEqualTo("true");
    assertThat(admin.get(base + "?instance=node-a").json().get("gray").asBoolean()).isTrue();
    assertThat(feature(base, "node-b")).isEqualTo("false");
    assertThat(admin.get(base + "/gray").json().get("grayInstances").get(0).asText())
        .isEqualTo("node-a");
    // Publishing to all while a gray release runs would hide it.
    assertThat(admin.post(base + "/releases", json("message", "x")).status()).isEqualTo(409);

    Response promoted = admin.post(base + "/gray/promote", "");
    assertThat(promoted.status()).isEqualTo(200);
    assertThat(promoted.json().get("status").asText()).isEqualTo("promoted");
    assertThat(feature(base, "node-b")).isEqualTo("true");
    assertThat(admin.get(base).json().get("release").asInt()).isEqualTo(grayNumber);
    assertThat(admin.get(base + "/gray").status()).isEqualTo(404);
    assertThat(admin.post(base + "/gray/promote", "").status()).isEqualTo(409);
  }

  @Test
  void anAbandonedGrayReleaseSendsItsInstancesBackAndLabelsSelectInstances() {
    String base = "/api/v1/config/prod/abandon";
    admin.put(entry("abandon", "limit"), json("value", "5", "type", "number"));
    admin.post(base + "/releases", "");
    admin.set("prod/abandon", "limit", json("value", "50", "type", "number"));
    admin.post(base + "/gray", json("labels", Map.of("zone", "eu-1")));

    assertThat(limit(base + "?instance=n1&labels=zone%3Deu-1")).isEqualTo("50");
    assertThat(limit(base + "?instance=n2&labels=zone%3Dus-1")).isEqualTo("5");
    // Without labels on the request, the labels the instance last reported are used.
    assertThat(limit(base + "?instance=n1")).isEqualTo("50");

    assertThat(admin.post(base + "/gray/abandon", "").json().get("status").asText())
        .isEqualTo("abandoned");
    assertThat(limit(base + "?instance=n1&labels=zone%3Deu-1")).isEqualTo("5");
    assertThat(admin.get(base).json().get("release").asInt()).isEqualTo(1);
  }

  @Test
  void secretsAreEncryptedAtRestAndShownOnlyToCallersWhoMayReadThem() throws Exception {
    String base = "/api/v1/config/prod/vault";
    Response created =
        admin.put(entry("vault", "db.password"), json("value", "hunter2-plain", "secret", true));
    assertThat(created.status()).isEqualTo(201);
    admin.put(entry("vault", "db.user"), json("value", "app"));
    admin.post(base + "/releases", json("message", "creds"));

    try (Connection c = postgres.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT value, value_cipher FROM vigil_config.entry WHERE app = 'vault' AND key ="
                    + " 'db.password'")) {
      ResultSet rs = s.executeQuery();
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isNull();
      byte[] raw = rs.getBytes(2);
      assertThat(new String(raw, StandardCharsets.ISO_8859_1)).doesNotContain("hunter2");
    }
    try (Connection c = postgres.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT content::text FROM vigil_config.release WHERE app = 'vault'")) {
      ResultSet rs = s.executeQuery();
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).doesNotContain("hunter2").contains("cipher");
    }

    ConfigHttp reader = admin.as(READER);
    JsonNode masked = reader.get(entry("vault", "db.password")).json();
    assertThat(masked.get("value").asText()).isEqualTo("******");
    assertThat(masked.get("masked").asBoolean()).isTrue();
    assertThat(reader.get(base + "/entries").body()).doesNotContain("hunter2");
    assertThat(reader.get(base + "/releases/1").body()).doesNotContain("hunter2");
    assertThat(reader.get(base + "/export").body()).doesNotContain("hunter2");
    JsonNode readerView = reader.get(base + "?instance=n1").json();
    assertThat(readerView.get("entries").has("db.password")).isFalse();
    assertThat(readerView.get("withheld").get(0).asText()).isEqualTo("db.password");

    ConfigHttp secrets = admin.as(SECRETS);
    assertThat(secrets.get(entry("vault", "db.password")).json().get("value").asText())
        .isEqualTo("hunter2-plain");
    assertThat(secrets.get(base + "?instance=n1").json().get("entries").get("db.password").asText())
        .isEqualTo("hunter2-plain");
  }

  @Test
  void secretsWithoutAConfiguredKeyAreRefusedWithHowToConfigureOne() {
    try (ConsoleServer keyless =
        ConsoleServer.builder(store)
            .config(ConsoleConfig.builder().host("127.0.0.1").port(0).tokens(Set.of(ADMIN)).build())
            .secretCipher(SecretCipher.disabled())
            .start()) {
      ConfigHttp http = new ConfigHttp(keyless.port(), ADMIN);
      Response refused = http.put(entry("nokey", "token"), json("value", "s3cr3t", "secret", true));
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.json().get("error").asText())
          .contains("VIGIL_CONFIG_KEY")
          .contains("VIGIL_CONFIG_KEY_FILE");
      assertThat(http.put(entry("nokey", "plain"), json("value", "ok")).status()).isEqualTo(201);
    }
  }

  @Test
  void typedValuesAreValidatedWithLineAndColumnBeforeTheyArePublished() throws Exception {
    Response json =
        admin.put(
            entry("typed", "routes"), json("value", "{\n  \"a\": 1,\n  \"b\": }", "type", "json"));
    assertThat(json.status()).isEqualTo(400);
    assertThat(json.json().get("line").asInt()).isEqualTo(3);
    assertThat(json.json().get("column").asInt()).isEqualTo(8);
    assertThat(json.json().get("key").asText()).isEqualTo("routes");
    assertThat(json.json().get("error").asText()).contains("invalid json at line 3, column 8");

    Response yaml =
        admin.put(entry("typed", "rules"), json("value", "a: 1\nb: [1, 2\nc: 3\n", "type", "yaml"));
    assertThat(yaml.status()).isEqualTo(400);
    assertThat(yaml.json().get("line").asInt()).isGreaterThan(1);
    assertThat(yaml.json().get("column").asInt()).isGreaterThan(0);

    Response dupYaml =
        admin.put(entry("typed", "dup"), json("value", "a: 1\na: 2\n", "type", "yaml"));
    assertThat(dupYaml.status()).isEqualTo(400);
    assertThat(dupYaml.json().get("line").asInt()).isEqualTo(2);

    assertThat(admin.put(entry("typed", "n"), json("value", "12x", "type", "number")).status())
        .isEqualTo(400);
    assertThat(admin.put(entry("typed", "b"), json("value", "yes", "type", "boolean")).status())
        .isEqualTo(400);
    Response props =
        admin.put(entry("typed", "p"), json("value", "a=1\nb=\\u12G4", "type", "properties"));
    assertThat(props.status()).isEqualTo(400);
    assertThat(props.json().get("line").asInt()).isEqualTo(2);
    Response xml = admin.put(entry("typed", "x"), json("value", "<a/>", "type", "xml"));
    assertThat(xml.status()).isEqualTo(400);
    assertThat(xml.json().get("error").asText())
        .isEqualTo(
            "type: \"xml\" (expected: one of text, json, yaml, properties, number, boolean)");

    // A draft that is broken anyway (written before a rule existed) is caught at publish.
    admin.put(entry("legacy", "ok"), json("value", "1"));
    try (Connection c = postgres.connect()) {
      c.createStatement()
          .execute(
              "UPDATE vigil_config.entry SET type = 'json', value = '{\"a\": ' WHERE app ="
                  + " 'legacy'");
    }
    Response publish = admin.post("/api/v1/config/prod/legacy/releases", "");
    assertThat(publish.status()).isEqualTo(400);
    assertThat(publish.json().get("key").asText()).isEqualTo("ok");
    assertThat(admin.get("/api/v1/config/prod/legacy").json().get("release").asInt()).isZero();

    assertThat(
            admin.put(entry("typed", "ok"), json("value", "{\"a\": [1]}", "type", "json")).status())
        .isEqualTo(201);
    assertThat(
            admin.put(entry("typed", "y"), json("value", "a:\n  - 1\n", "type", "yaml")).status())
        .isEqualTo(201);
    assertThat(admin.put(entry("typed", "num"), json("value", "-1.5e3", "type", "number")).status())
        .isEqualTo(201);
  }

  @Test
  void aBlockingQueryAnswersAsSoonAsAPublishMovesTheIndex() throws Exception {
    String base = "/api/v1/config/prod/watch";
    admin.put(entry("watch", "k"), json("value", "v1"));
    admin.post(base + "/releases", "");
    Response first = admin.get(base + "?instance=w1");
    long index = Long.parseLong(first.header("X-Vigil-Index"));
    assertThat(index).isPositive();

    long t0 = System.nanoTime();
    Response timedOut = admin.get(base + "?instance=w1&index=" + index + "&wait=300ms");
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isGreaterThanOrEqualTo(Duration.ofMillis(290));
    assertThat(timedOut.header("X-Vigil-Index")).isEqualTo(Long.toString(index));

    CompletableFuture<Response> waiting =
        admin.getAsync(base + "?instance=w1&index=" + index + "&wait=20s");
    Thread.sleep(300);
    assertThat(waiting).isNotDone();
    String metrics = admin.get("/metrics").body();
    assertThat(metrics).contains("vigil_console_config_watchers 1.0");
    assertThat(metrics).contains("vigil_console_config_listening 1.0");
    admin.set("prod/watch", "k", json("value", "v2"));
    assertThat(waiting).isNotDone(); // a draft is not a change to what instances run
    long published = System.nanoTime();
    admin.post(base + "/releases", "");
    Response woke = waiting.get(20, TimeUnit.SECONDS);
    // Woken by the publish, not by the end of its 20 s wait.
    assertThat(Duration.ofNanos(System.nanoTime() - published)).isLessThan(Duration.ofSeconds(10));
    assertThat(Long.parseLong(woke.header("X-Vigil-Index"))).isGreaterThan(index);
    assertThat(woke.json().get("entries").get("k").asText()).isEqualTo("v2");
  }

  @Test
  void importAndExportRoundTripAnAppsEntries() {
    admin.put(entry("src", "a"), json("value", "1", "type", "number", "comment", "count"));
    admin.put(entry("src", "s"), json("value", "pw", "secret", true));
    JsonNode exported = admin.get("/api/v1/config/prod/src/export").json();
    assertThat(exported.get("entries")).hasSize(2);

    Response imported = admin.post("/api/v1/config/prod/dst/import", exported.toString());
    assertThat(imported.status()).isEqualTo(200);
    assertThat(imported.json().get("imported").asInt()).isEqualTo(2);
    assertThat(admin.get(entry("dst", "a")).json().get("comment").asText()).isEqualTo("count");
    assertThat(admin.get(entry("dst", "s")).json().get("value").asText()).isEqualTo("pw");

    // A reader's export has no secret values; importing it back is refused for that entry.
    JsonNode masked = admin.as(READER).get("/api/v1/config/prod/src/export").json();
    Response refused = admin.post("/api/v1/config/prod/dst2/import", masked.toString());
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("parameter").asText()).isEqualTo("value");

    Response replace =
        admin.post(
            "/api/v1/config/prod/dst/import?mode=replace",
            "{\"entries\":[{\"key\":\"only\",\"value\":\"x\"}]}");
    assertThat(replace.status()).isEqualTo(200);
    assertThat(admin.get(entry("dst", "a")).status()).isEqualTo(404);
  }

  @Test
  void theListenerViewShowsWhichInstancesRunWhichRelease() throws Exception {
    String base = "/api/v1/config/prod/listen";
    admin.put(entry("listen", "k"), json("value", "1"));
    admin.post(base + "/releases", "");
    assertThat(
            admin
                .post(base + "/instances/node-1", json("release", 1, "labels", Map.of("zone", "a")))
                .status())
        .isEqualTo(204);
    admin.get(base + "?instance=node-2");
    admin.set("prod/listen", "k", json("value", "2"));
    admin.post(base + "/releases", "");
    admin.post(base + "/instances/node-3", json("release", 2));

    JsonNode view = null;
    for (int i = 0; i < 50; i++) { // the served release is recorded off the request path
      view = admin.get(base + "/instances").json();
      if (view.get("instances").size() == 3) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(view.get("current").asInt()).isEqualTo(2);
    assertThat(view.get("releases").get("1").toString()).isEqualTo("[\"node-1\",\"node-2\"]");
    assertThat(view.get("releases").get("2").toString()).isEqualTo("[\"node-3\"]");
    assertThat(view.get("instances").get(0).get("labels").get("zone").asText()).isEqualTo("a");
  }

  @Test
  void everyChangePublishRollbackAndGrayStepIsAudited() {
    String base = "/api/v1/config/prod/audited";
    admin.put(entry("audited", "k"), json("value", "1"));
    admin.set("prod/audited", "k", json("value", "2"));
    admin.post(base + "/releases", json("message", "go"));
    admin.set("prod/audited", "k", json("value", "3"));
    admin.post(base + "/gray", json("instances", List.of("n1")));
    admin.post(base + "/gray/abandon", "");
    admin.set("prod/audited", "k", json("value", "4"));
    admin.post(base + "/releases", "");
    admin.post(base + "/releases/1/rollback", "");
    admin.post(
        "/api/v1/config/prod/audited/import", "{\"entries\":[{\"key\":\"i\",\"value\":\"1\"}]}");
    admin.delete(
        entry("audited", "k"), "If-Match", admin.get(entry("audited", "k")).header("ETag"));
    admin.as(EDITOR).put(entry("audited", "by-editor"), json("value", "x"));
    // Refused changes leave no audit entry.
    admin.as(READER).put(entry("audited", "refused"), json("value", "x"));
    admin.put(entry("audited", "by-editor"), json("value", "y"), "If-Match", "\"1\"");

    JsonNode entries =
        admin.get("/api/v1/audit?target=config/prod/audited*&limit=100").json().get("entries");
    List<String> actions = new ArrayList<>();
    for (int i = entries.size() - 1; i >= 0; i--) { // newest first
      JsonNode e = entries.get(i);
      assertThat(e.get("remoteAddress").asText()).isNotBlank();
      assertThat(e.get("atUnixNano").asLong()).isPositive();
      actions.add(e.get("action").asText() + " " + e.get("target").asText());
    }
    assertThat(actions)
        .containsExactly(
            "config.entry.create config/prod/audited/k",
            "config.entry.update config/prod/audited/k",
            "config.publish config/prod/audited",
            "config.entry.update config/prod/audited/k",
            "config.gray.start config/prod/audited",
            "config.gray.abandon config/prod/audited",
            "config.entry.update config/prod/audited/k",
            "config.publish config/prod/audited",
            "config.rollback config/prod/audited",
            "config.import config/prod/audited",
            "config.entry.delete config/prod/audited/k",
            "config.entry.create config/prod/audited/by-editor");
    assertThat(entries.get(0).get("actor").asText()).isEqualTo("editor");
    JsonNode rollback = entries.get(3).get("details");
    assertThat(rollback.get("release").asInt()).isEqualTo(4);
    assertThat(rollback.get("rollbackOf").asInt()).isEqualTo(1);
    assertThat(entries.get(4).get("details").get("changed").get(0).asText()).isEqualTo("k");
  }

  @Test
  void scopesLimitWhatEachTokenMayDo() {
    ConfigHttp reader = admin.as(READER);
    assertThat(reader.put(entry("scoped", "k"), json("value", "1")).status()).isEqualTo(403);
    ConfigHttp editor = admin.as(EDITOR);
    assertThat(editor.put(entry("scoped", "k"), json("value", "1")).status()).isEqualTo(201);
    assertThat(editor.post("/api/v1/config/prod/scoped/releases", "").status()).isEqualTo(403);
    assertThat(admin.as(STAGING_READER).get("/api/v1/config/prod/scoped").status()).isEqualTo(403);
    assertThat(admin.as("unknown-token").get("/api/v1/config/prod/scoped").status()).isEqualTo(401);
    assertThat(admin.as(null).get("/api/v1/config/prod/scoped").status()).isEqualTo(401);
  }

  @Test
  void everyBadInputGetsItsError() {
    String base = "/api/v1/config/prod/bad";
    admin.put(entry("bad", "k"), json("value", "1"));
    assertBad(admin.get("/api/v1/config/PROD/bad"), "env");
    assertBad(admin.get("/api/v1/config/prod/b%20d"), "app");
    assertBad(admin.put(entry("bad", "k%24"), json("value", "1")), "key");
    assertBad(admin.get(base + "?index=-1"), "index");
    assertBad(admin.get(base + "?index=x"), "index");
    assertBad(admin.get(base + "?index=1&wait=forever"), "wait");
    assertBad(admin.get(base + "?index=1&wait=6m"), "wait");
    assertBad(admin.get(base + "?labels=zone"), "labels");
    assertBad(admin.get(base + "?instance=a%20b"), "instance");
    assertBad(admin.get(base + "?colour=red"), "colour");
    assertBad(admin.get(base + "/releases?limit=0"), "limit");
    assertBad(admin.get(base + "/releases/abc"), "n");
    assertBad(admin.put(entry("bad", "new"), "not json"), "body");
    assertBad(admin.put(entry("bad", "new"), "[1]"), "body");
    assertBad(admin.put(entry("bad", "new"), json("type", "text")), "value");
    assertBad(admin.put(entry("bad", "new"), json("value", "1", "colour", "red")), "colour");
    assertBad(admin.put(entry("bad", "new"), json("value", "1", "secret", "yes")), "secret");
    assertBad(admin.put(entry("bad", "new"), json("value", "1", "comment", 5)), "comment");
    assertBad(
        admin.put(entry("bad", "new"), json("value", "x".repeat(ConfigApi.MAX_VALUE_CHARS + 1))),
        "value");
    assertBad(admin.put(entry("bad", "k"), json("value", "2"), "If-Match", "banana"), "If-Match");
    assertBad(admin.post(base + "/releases", json("message", 7)), "message");
    assertBad(admin.post(base + "/releases", json("msg", "x")), "msg");
    assertBad(admin.post(base + "/gray", json("message", "nobody")), "instances");
    assertBad(admin.post(base + "/gray", json("instances", "n1")), "instances");
    assertBad(admin.post(base + "/gray", json("instances", List.of("10.0.0.1/24"))), "instances");
    assertBad(admin.post(base + "/gray", json("labels", List.of("a"))), "labels");
    assertBad(admin.post(base + "/import?mode=overwrite", "{\"entries\":[]}"), "mode");
    assertBad(admin.post(base + "/import", "{\"entries\":{}}"), "entries");
    assertBad(
        admin.post(
            base + "/import",
            "{\"entries\":[{\"key\":\"a\",\"value\":\"1\"},{\"key\":\"a\",\"value\":\"2\"}]}"),
        "key");
    assertBad(admin.post(base + "/instances/n1", json("release", -1)), "release");
    assertBad(admin.post(base + "/instances/n1", json("release", "one")), "release");
    assertThat(admin.post(base + "/releases/5/rollback", "").status()).isEqualTo(404);
    assertThat(admin.post(base + "/gray/promote", "").status()).isEqualTo(409);
    assertThat(admin.post(base + "/gray/abandon", "").status()).isEqualTo(409);
    assertThat(admin.get(base + "/gray").status()).isEqualTo(404);
    assertThat(admin.get(entry("bad", "missing")).status()).isEqualTo(404);
    assertThat(admin.post("/api/v1/config/prod/never/releases/1/rollback", "").status())
        .isEqualTo(404);
    // An app nothing was published for yet answers release 0, so clients may start first.
    JsonNode empty = admin.get("/api/v1/config/prod/not-yet").json();
    assertThat(empty.get("release").asInt()).isZero();
    assertThat(empty.get("entries").size()).isZero();
  }

  private static void assertBad(Response r, String parameter) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().get("parameter").asText()).as(r.body()).isEqualTo(parameter);
  }

  private static String feature(String base, String node) {
    return admin.get(base + "?instance=" + node).json().get("entries").get("feature").asText();
  }

  private static String limit(String path) {
    return admin.get(path).json().get("entries").get("limit").asText();
  }

  private static List<String> keys(JsonNode list) {
    List<String> keys = new ArrayList<>();
    list.forEach(n -> keys.add(n.get("key").asText()));
    return keys;
  }

  private static String stateOf(JsonNode listing, String key) {
    for (JsonNode e : listing.get("entries")) {
      if (e.get("key").asText().equals(key)) {
        return e.get("state").asText();
      }
    }
    return "absent";
  }
}
