package dev.vigil.console.config;

import static dev.vigil.console.config.ConfigHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.collector.store.Store;
import dev.vigil.console.ConsoleConfig;
import dev.vigil.console.ConsoleServer;
import dev.vigil.console.config.ConfigHttp.Response;
import dev.vigil.framework.config.console.ConfigChange;
import dev.vigil.framework.config.console.ConfigClient;
import dev.vigil.testing.PostgresExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Several console replicas on one database behave as one config center. */
class ConfigReplicasTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();
  static final String ADMIN = "admin-token-for-replica-tests";

  static ConsoleServer replica(Store store) {
    return ConsoleServer.builder(store)
        .config(ConsoleConfig.builder().host("127.0.0.1").port(0).tokens(Set.of(ADMIN)).build())
        .start();
  }

  @Test
  void replicasStartingTogetherMigrateTheConfigSchemaOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Store> stores = new ArrayList<>();
    List<Future<ConsoleServer>> started = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Store store = Store.builder(postgres.jdbcUrl()).open();
        stores.add(store);
        started.add(pool.submit(() -> replica(store)));
      }
      for (Future<ConsoleServer> f : started) {
        ConsoleServer server = f.get(60, TimeUnit.SECONDS);
        Response r =
            new ConfigHttp(server.port(), ADMIN).get("/api/v1/config/prod/boot?instance=x");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
      }
      try (var c = postgres.connect();
          var rs =
              c.createStatement()
                  .executeQuery(
                      "SELECT count(*) FROM vigil_config.vigil_config_schema_history WHERE"
                          + " success")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
    } finally {
      for (Future<ConsoleServer> f : started) {
        try {
          f.get().close();
        } catch (Exception ignored) {
          // not started
        }
      }
      stores.forEach(Store::close);
      pool.shutdownNow();
    }
  }

  @Test
  void aPublishOnOneReplicaWakesWatchersOnAnother() throws Exception {
    try (Store storeA = Store.builder(postgres.jdbcUrl()).open();
        Store storeB = Store.builder(postgres.jdbcUrl()).open();
        ConsoleServer a = replica(storeA);
        ConsoleServer b = replica(storeB)) {
      ConfigHttp onA = new ConfigHttp(a.port(), ADMIN);
      ConfigHttp onB = new ConfigHttp(b.port(), ADMIN);
      onA.put("/api/v1/config/prod/shared/entries/k", json("value", "1"));
      onA.post("/api/v1/config/prod/shared/releases", "");
      Response first = onB.get("/api/v1/config/prod/shared?instance=n1");
      assertThat(first.json().get("entries").get("k").asText()).isEqualTo("1");
      long index = Long.parseLong(first.header("X-Vigil-Index"));

      try (ConfigClient client =
          ConfigClient.builder()
              .address("http://127.0.0.1:" + b.port())
              .token(ADMIN)
              .env("prod")
              .app("shared")
              .instance("n2")
              .start()) {
        BlockingQueue<ConfigChange> changes = new LinkedBlockingQueue<>();
        client.watch("k", changes::add);
        CompletableFuture<Response> waiting =
            onB.getAsync("/api/v1/config/prod/shared?instance=n1&index=" + index + "&wait=30s");
        Thread.sleep(300);
        assertThat(waiting).isNotDone();

        onA.set("prod/shared", "k", json("value", "2"));
        long published = System.nanoTime();
        onA.post("/api/v1/config/prod/shared/releases", "");
        Response woke = waiting.get(20, TimeUnit.SECONDS);
        Duration latency = Duration.ofNanos(System.nanoTime() - published);
        assertThat(latency)
            .isLessThan(Duration.ofSeconds(10)); // woken by the change, not the 30 s wait
        assertThat(woke.json().get("entries").get("k").asText()).isEqualTo("2");
        assertThat(Long.parseLong(woke.header("X-Vigil-Index"))).isGreaterThan(index);
        assertThat(changes.poll(20, TimeUnit.SECONDS))
            .isEqualTo(new ConfigChange("k", "1", "2", 2));
      }

      // Edits on either replica see each other's versions: a stale If-Match on B is refused.
      Response onBRead = onB.get("/api/v1/config/prod/shared/entries/k");
      onA.put(
          "/api/v1/config/prod/shared/entries/k",
          json("value", "3"),
          "If-Match",
          onBRead.header("ETag"));
      assertThat(
              onB.put(
                      "/api/v1/config/prod/shared/entries/k",
                      json("value", "4"),
                      "If-Match",
                      onBRead.header("ETag"))
                  .status())
          .isEqualTo(409);
    }
  }
}
