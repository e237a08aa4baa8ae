package dev.vigil.console.config;

import static dev.vigil.console.config.ConfigHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.collector.store.Store;
import dev.vigil.console.ConsoleConfig;
import dev.vigil.console.ConsoleServer;
import dev.vigil.framework.config.Settings;
import dev.vigil.framework.config.console.ConfigChange;
import dev.vigil.framework.config.console.ConfigClient;
import dev.vigil.testing.PostgresExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The framework-lite config client against a real console over HTTP and PostgreSQL. */
class ConfigClientTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();
  static final String ADMIN = "admin-token-for-client-tests";

  static Store store;

  @BeforeAll
  static void open() {
    store = Store.builder(postgres.jdbcUrl()).open();
  }

  @AfterAll
  static void closeStore() {
    store.close();
  }

  static ConsoleServer console(int port) {
    return ConsoleServer.builder(store)
        .config(ConsoleConfig.builder().host("127.0.0.1").port(port).tokens(Set.of(ADMIN)).build())
        .start();
  }

  static ConfigClient.Builder client(int port, String app, String instance) {
    return ConfigClient.builder()
        .address("http://127.0.0.1:" + port)
        .token(ADMIN)
        .env("prod")
        .app(app)
        .instance(instance)
        .wait(Duration.ofSeconds(10))
        .backoff(Duration.ofMillis(50), Duration.ofMillis(400));
  }

  static void publish(ConfigHttp http, String app, String... keyValues) {
    for (int i = 0; i < keyValues.length; i += 2) {
      http.set("prod/" + app, keyValues[i], json("value", keyValues[i + 1]));
    }
    ConfigHttp.Response r = http.post("/api/v1/config/prod/" + app + "/releases", "");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  @Test
  void aWatchReceivesEachChangedKeyWithItsOldAndNewValue() throws Exception {
    try (ConsoleServer console = console(0)) {
      ConfigHttp http = new ConfigHttp(console.port(), ADMIN);
      publish(http, "orders", "db.pool", "10", "feature.a", "on", "feature.b", "off");
      try (ConfigClient config = client(console.port(), "orders", "orders-1").start()) {
        assertThat(config.source()).isEqualTo(ConfigClient.Source.CONSOLE);
        assertThat(config.getInt("db.pool", 0)).isEqualTo(10);
        BlockingQueue<ConfigChange> pool = new LinkedBlockingQueue<>();
        BlockingQueue<ConfigChange> features = new LinkedBlockingQueue<>();
        config.watch("db.pool", pool::add);
        config.watchPrefix("feature.", features::add);

        publish(http, "orders", "db.pool", "25", "feature.b", "on");
        ConfigChange change = pool.poll(20, TimeUnit.SECONDS);
        assertThat(change).isEqualTo(new ConfigChange("db.pool", "10", "25", 2));
        assertThat(features.poll(20, TimeUnit.SECONDS))
            .isEqualTo(new ConfigChange("feature.b", "off", "on", 2));
        assertThat(features.poll(200, TimeUnit.MILLISECONDS)).isNull(); // feature.a unchanged
        assertThat(config.getInt("db.pool", 0)).isEqualTo(25);
        assertThat(config.release()).isEqualTo(2);

        // The client reports the release it applied; the listener view shows it.
        eventually(
            () ->
                http.get("/api/v1/config/prod/orders/instances")
                        .json()
                        .get("instances")
                        .get(0)
                        .path("appliedRelease")
                        .asInt()
                    == 2);
      }
    }
  }

  @Test
  void typedGettersReadEachTypeAndNameTheKeyWhenAValueDoesNotParse() {
    try (ConsoleServer console = console(0)) {
      ConfigHttp http = new ConfigHttp(console.port(), ADMIN);
      http.put("/api/v1/config/prod/typed/entries/ratio", json("value", "0.25", "type", "number"));
      http.put("/api/v1/config/prod/typed/entries/on", json("value", "true", "type", "boolean"));
      http.put(
          "/api/v1/config/prod/typed/entries/big", json("value", "9000000000", "type", "number"));
      http.put("/api/v1/config/prod/typed/entries/timeout", json("value", "1500ms"));
      http.put("/api/v1/config/prod/typed/entries/iso", json("value", "PT2M"));
      http.put(
          "/api/v1/config/prod/typed/entries/routes",
          json("value", "{\"a\":[1,2]}", "type", "json"));
      http.put("/api/v1/config/prod/typed/entries/name", json("value", "orders"));
      http.post("/api/v1/config/prod/typed/releases", "");
      try (ConfigClient config = client(console.port(), "typed", "t-1").start()) {
        assertThat(config.getDouble("ratio", 1)).isEqualTo(0.25);
        assertThat(config.getBoolean("on", false)).isTrue();
        assertThat(config.getLong("big", 0)).isEqualTo(9_000_000_000L);
        assertThat(config.getDuration("timeout", Duration.ZERO)).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.getDuration("iso", Duration.ZERO)).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.getJson("routes").orElseThrow().get("a").get(1).asInt()).isEqualTo(2);
        assertThat(config.getString("name", "")).isEqualTo("orders");
        assertThat(config.getInt("missing", 7)).isEqualTo(7);
        assertThat(config.get("missing")).isEmpty();
        assertThatThrownBy(() -> config.getInt("name", 0))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("name: 'orders' (expected: an int)");
        assertThatThrownBy(() -> config.getBoolean("ratio", false))
            .hasMessage("ratio: '0.25' (expected: true or false)");
      }
    }
  }

  @Test
  void aServiceRunsOnItsCacheFileWhileTheConsoleIsDownAndConvergesWhenItReturns(@TempDir Path cache)
      throws Exception {
    int port = freePort();
    ConsoleServer console = console(port);
    ConfigHttp http = new ConfigHttp(port, ADMIN);
    publish(http, "billing", "rate", "1", "mode", "a");
    try (ConfigClient running =
        client(port, "billing", "billing-1")
            // A query held when the console goes away may never be answered nor refused: the
            // client gives up on it after wait + wait/16 + the request timeout.
            .wait(Duration.ofSeconds(2))
            .startTimeout(Duration.ofSeconds(2))
            .cacheDir(cache)
            .start()) {
      assertThat(running.getString("rate", "")).isEqualTo("1");
      assertThat(Files.list(cache).map(p -> p.getFileName().toString()).toList())
          .containsExactly("prod__billing.json");

      console.close();
      Thread.sleep(300);
      // Still running on what it had while the console is gone.
      assertThat(running.getString("rate", "")).isEqualTo("1");

      // A restart while the console is down starts from the cache file.
      try (ConfigClient restarted =
          client(port, "billing", "billing-2")
              .cacheDir(cache)
              .startTimeout(Duration.ofMillis(500))
              .start()) {
        assertThat(restarted.source()).isEqualTo(ConfigClient.Source.CACHE);
        assertThat(restarted.getString("rate", "")).isEqualTo("1");
        assertThat(restarted.release()).isEqualTo(1);
        BlockingQueue<ConfigChange> changes = new LinkedBlockingQueue<>();
        restarted.watch("rate", changes::add);

        console = console(port);
        publish(http, "billing", "rate", "2");
        ConfigChange change = changes.poll(10, TimeUnit.SECONDS);
        assertThat(change).isEqualTo(new ConfigChange("rate", "1", "2", 2));
        assertThat(restarted.source()).isEqualTo(ConfigClient.Source.CONSOLE);
        eventually(() -> running.getString("rate", "").equals("2"), Duration.ofSeconds(20));
        assertThat(running.release()).isEqualTo(2);
      }
    } finally {
      console.close();
    }
    String cached = Files.readString(cache.resolve("prod__billing.json"));
    assertThat(cached).contains("\"release\":2").contains("\"rate\":\"2\"");
    assertThat(Files.list(cache).toList()).hasSize(1); // no temporary files left behind
  }

  @Test
  void withNeitherConsoleNorCacheTheClientStartsEmptyAndLoadsWhenTheConsoleAppears()
      throws Exception {
    int port = freePort();
    try (ConfigClient config =
        client(port, "late", "late-1").startTimeout(Duration.ofMillis(300)).start()) {
      assertThat(config.source()).isEqualTo(ConfigClient.Source.NONE);
      assertThat(config.entries()).isEmpty();
      try (ConsoleServer console = console(port)) {
        publish(new ConfigHttp(port, ADMIN), "late", "k", "v");
        eventually(() -> config.getString("k", "").equals("v"));
      }
    }
  }

  @Test
  void aClientOfAnAppWithNoReleaseHoldsBlockingQueriesInsteadOfPolling() throws Exception {
    int port = freePort();
    try (ConsoleServer console = console(port);
        ConfigClient config = client(port, "unpublished", "idle-1").start()) {
      assertThat(config.source()).isEqualTo(ConfigClient.Source.CONSOLE);
      Thread.sleep(1500);
      // One answer at start, then one query held for the whole wait: not one per back-off step.
      assertThat(instanceViewRequests(port)).isLessThanOrEqualTo(3);
      publish(new ConfigHttp(port, ADMIN), "unpublished", "k", "v");
      eventually(() -> config.getString("k", "").equals("v"));
    }
  }

  /** How many instance-view queries the console has answered, from its Prometheus metrics. */
  static long instanceViewRequests(int port) {
    String metrics = new ConfigHttp(port, ADMIN).get("/metrics").body();
    return metrics
        .lines()
        .filter(l -> l.startsWith("vigil_console_requests_total{"))
        .filter(l -> l.contains("route=\"/api/v1/config/{env}/{app}\"") && l.contains("GET"))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Test
  void aClientIsConfiguredFromAServicesSettings() throws Exception {
    try (ConsoleServer console = console(0)) {
      publish(new ConfigHttp(console.port(), ADMIN), "greeter", "greeting", "hello");
      Settings settings =
          Settings.of(
              Map.of(
                  ConfigClient.URL_KEY,
                  "http://127.0.0.1:1, http://127.0.0.1:" + console.port(),
                  ConfigClient.TOKEN_KEY,
                  ADMIN,
                  ConfigClient.ENV_KEY,
                  "prod",
                  ConfigClient.WAIT_KEY,
                  "5s"));
      try (ConfigClient config =
          ConfigClient.builder(settings, "greeter")
              .instance("greeter-1")
              .startTimeout(Duration.ofSeconds(2))
              .start()) {
        assertThat(config.getString("greeting", "")).isEqualTo("hello");
      }
      assertThatThrownBy(() -> ConfigClient.builder(Settings.of(Map.of()), "greeter"))
          .hasMessageStartingWith("vigil.config.console.url: missing (expected:");
      assertThatThrownBy(
              () ->
                  ConfigClient.builder(
                      Settings.of(Map.of(ConfigClient.URL_KEY, "http://x:1")), "greeter"))
          .hasMessageStartingWith("vigil.config.env: missing (expected:");
    }
  }

  @Test
  void aBadBuilderSettingFailsAtStartNamingIt() {
    assertThatThrownBy(() -> ConfigClient.builder().address("ftp://x"))
        .hasMessage("address: ftp://x (expected: http://host:port or https://host:port)");
    assertThatThrownBy(() -> ConfigClient.builder().env("a b"))
        .hasMessageStartingWith("env: 'a b' (expected:");
    assertThatThrownBy(() -> ConfigClient.builder().wait(Duration.ZERO))
        .hasMessage("wait: PT0S (expected: 1ms..5m)");
    assertThatThrownBy(() -> ConfigClient.builder().address("http://127.0.0.1:1").start())
        .hasMessageContaining("missing: env app instance");
    assertThatThrownBy(() -> ConfigClient.builder().env("prod").app("a").instance("i").start())
        .hasMessage("address: none (expected: at least one console address)");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static void eventually(BooleanSupplier condition) throws InterruptedException {
    eventually(condition, Duration.ofSeconds(10));
  }

  static void eventually(BooleanSupplier condition, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + within);
      }
      Thread.sleep(50);
    }
  }
}
