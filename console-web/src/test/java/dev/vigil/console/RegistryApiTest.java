package dev.vigil.console;

import static dev.vigil.console.AccessAndAuditTest.assertBadField;
import static dev.vigil.console.ConsoleFixture.admin;
import static dev.vigil.console.ConsoleFixture.client;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.console.registry.RegistryConfig;
import dev.vigil.testing.PostgresExtension;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The registry API over real HTTP on two console replicas sharing one real database: registration,
 * heartbeats, expiry, blocking queries, operator changes, protection, tokens and bad input.
 */
class RegistryApiTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  static final String NODES = "/api/v1/registry/services/%s/nodes/%s";
  static final String SERVICE = "/api/v1/registry/services/%s";

  static ConsoleFixture fixture;
  static ConsoleServer replicaA;
  static ConsoleServer replicaB;
  static JsonHttp a;
  static JsonHttp b;

  @BeforeAll
  static void start() {
    fixture = new ConsoleFixture(postgres.jdbcUrl());
    RegistryConfig fast =
        RegistryConfig.builder()
            .reapInterval(Duration.ofMillis(100))
            .removeAfter(Duration.ofSeconds(1))
            .build();
    replicaA = fixture.start(builder -> builder.registry(fast));
    replicaB = fixture.start(builder -> builder.registry(fast));
    a = admin(replicaA);
    b = admin(replicaB);
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  static Map<String, Object> node(String address, int ttlSeconds) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("version", "1.0.0");
    body.put("address", address);
    body.put("metadata", Map.of("zone", "eu-1"));
    body.put("endpoints", List.of(Map.of("name", "Orders.Place", "metadata", Map.of())));
    body.put("ttlSeconds", ttlSeconds);
    return body;
  }

  static JsonHttp.Response register(JsonHttp api, String service, String id, int ttl) {
    return api.put(NODES.formatted(service, id), node("10.0.0.1:8080", ttl));
  }

  static JsonNode nodeOf(JsonNode service, String id) {
    for (JsonNode n : service.get("nodes")) {
      if (n.get("id").asText().equals(id)) {
        return n;
      }
    }
    return null;
  }

  @Test
  void registeredNodeIsListedWithItsFieldsAndIndex() {
    JsonHttp.Response put = register(a, "orders", "orders-1", 30);
    assertThat(put.status()).as(put.body()).isEqualTo(201);
    assertThat(put.json().get("created").asBoolean()).isTrue();

    JsonHttp.Response get = b.get(SERVICE.formatted("orders"));
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.index()).isEqualTo(put.index());
    JsonNode n = nodeOf(get.json(), "orders-1");
    assertThat(n.get("version").asText()).isEqualTo("1.0.0");
    assertThat(n.get("address").asText()).isEqualTo("10.0.0.1:8080");
    assertThat(n.get("metadata").toString()).isEqualTo("{\"zone\":\"eu-1\"}");
    assertThat(n.get("endpoints").get(0).get("name").asText()).isEqualTo("Orders.Place");
    assertThat(n.get("weight").asInt()).isEqualTo(100);
    assertThat(n.get("enabled").asBoolean()).isTrue();
    assertThat(n.get("healthy").asBoolean()).isTrue();
    assertThat(n.get("selectable").asBoolean()).isTrue();
    assertThat(n.get("lastHeartbeatUnixNano").asLong()).isPositive();

    JsonNode list = a.get("/api/v1/registry/services").json().get("services");
    JsonNode orders = null;
    for (JsonNode s : list) {
      if (s.get("service").asText().equals("orders")) {
        orders = s;
      }
    }
    assertThat(orders).isNotNull();
    assertThat(orders.get("nodes").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(orders.get("versions").toString()).isEqualTo("[\"1.0.0\"]");
  }

  @Test
  void unchangedHeartbeatRenewsWithoutMovingTheIndexOrWakingWatchers() {
    register(a, "billing", "billing-1", 30);
    long index = a.get(SERVICE.formatted("billing")).index();
    long before =
        a.get(SERVICE.formatted("billing"))
            .json()
            .get("nodes")
            .get(0)
            .get("lastHeartbeatUnixNano")
            .asLong();

    CompletableFuture<JsonHttp.Response> watch =
        CompletableFuture.supplyAsync(
            () -> b.get(SERVICE.formatted("billing") + "?index=" + index + "&wait=1s"));
    sleep(200);
    JsonHttp.Response renew = register(a, "billing", "billing-1", 30);
    assertThat(renew.status()).isEqualTo(200);
    assertThat(renew.json().get("changed").asBoolean()).isFalse();

    long started = System.nanoTime();
    JsonHttp.Response woken = watch.join();
    assertThat(woken.index()).isEqualTo(index);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(500));
    long after =
        a.get(SERVICE.formatted("billing"))
            .json()
            .get("nodes")
            .get(0)
            .get("lastHeartbeatUnixNano")
            .asLong();
    assertThat(after).isGreaterThan(before);
  }

  @Test
  void blockingQueryOnOneReplicaWakesPromptlyOnAChangeMadeOnTheOther() {
    register(a, "search", "search-1", 30);
    long index = a.get(SERVICE.formatted("search")).index();
    CompletableFuture<JsonHttp.Response> watch =
        CompletableFuture.supplyAsync(
            () -> a.get(SERVICE.formatted("search") + "?index=" + index + "&wait=30s"));
    sleep(300);
    assertThat(watch).isNotDone();

    long changedAt = System.nanoTime();
    JsonHttp.Response change = register(b, "search", "search-2", 30);
    JsonHttp.Response woken = watch.join();
    long latencyMs = (System.nanoTime() - changedAt) / 1_000_000;

    assertThat(woken.index()).isGreaterThan(index).isEqualTo(change.index());
    assertThat(nodeOf(woken.json(), "search-2")).isNotNull();
    // Woken by the change, not by the end of the 30 s wait.
    assertThat(latencyMs).as("wake-up latency ms").isLessThan(10_000);
  }

  @Test
  void watcherStillWakesWhenItsReplicaLostTheListenConnection() throws Exception {
    register(a, "relisten", "relisten-1", 30);
    long index = a.get(SERVICE.formatted("relisten")).index();
    CompletableFuture<JsonHttp.Response> watch =
        CompletableFuture.supplyAsync(
            () -> a.get(SERVICE.formatted("relisten") + "?index=" + index + "&wait=30s"));
    sleep(300);
    try (var c = postgres.connect();
        var s = c.createStatement()) {
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
              + " WHERE datname = current_database()"
              + " AND application_name = 'vigil-console-listener'");
    }
    // Most likely lands while the listeners are reconnecting, so its NOTIFY never reaches them;
    // the re-read after reconnecting must wake the watcher all the same.
    register(b, "relisten", "relisten-2", 30);
    JsonHttp.Response woken = watch.get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(woken.index()).isGreaterThan(index);
    assertThat(nodeOf(woken.json(), "relisten-2")).isNotNull();
  }

  @Test
  void metricsShowHeldWatchersAndTheListener() {
    register(a, "metered", "metered-1", 30);
    long index = a.get(SERVICE.formatted("metered")).index();
    CompletableFuture<JsonHttp.Response> watch =
        CompletableFuture.supplyAsync(
            () -> a.get(SERVICE.formatted("metered") + "?index=" + index + "&wait=2s"));
    sleep(300);
    String metrics = a.get("/metrics").body();
    assertThat(metrics).contains("vigil_console_registry_listening 1.0");
    assertThat(metrics).containsPattern("vigil_console_registry_watchers [1-9]");
    assertThat(metrics).contains("vigil_console_registry_notifications_total");
    watch.join();
  }

  @Test
  void blockingListQueryWakesOnAnyService() {
    long index = b.get("/api/v1/registry/services").index();
    CompletableFuture<JsonHttp.Response> watch =
        CompletableFuture.supplyAsync(
            () -> b.get("/api/v1/registry/services?index=" + index + "&wait=30s"));
    sleep(300);
    register(a, "listed", "listed-1", 30);
    JsonHttp.Response woken = watch.join();
    assertThat(woken.index()).isGreaterThan(index);
    assertThat(woken.body()).contains("\"service\":\"listed\"");
  }

  @Test
  void blockingQueryWithAStaleIndexAnswersAtOnce() {
    register(a, "stale", "stale-1", 30);
    long started = System.nanoTime();
    JsonHttp.Response r = a.get(SERVICE.formatted("stale") + "?index=1&wait=30s");
    assertThat(r.status()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void lapsedNodeTurnsUnhealthyThenIsRemoved() {
    register(a, "expiring", "expiring-1", 1);
    long index = a.get(SERVICE.formatted("expiring")).index();

    JsonHttp.Response unhealthy =
        a.get(SERVICE.formatted("expiring") + "?index=" + index + "&wait=10s");
    JsonNode n = nodeOf(unhealthy.json(), "expiring-1");
    assertThat(n.get("healthy").asBoolean()).isFalse();
    assertThat(n.get("selectable").asBoolean()).isFalse();

    JsonHttp.Response removed =
        a.get(SERVICE.formatted("expiring") + "?index=" + unhealthy.index() + "&wait=10s");
    assertThat(removed.json().get("nodes")).isEmpty();

    JsonNode audit = a.get("/api/v1/audit?target=registry/expiring").json().get("entries");
    assertThat(audit.get(0).get("action").asText()).isEqualTo("registry.node.remove");
    assertThat(audit.get(1).get("action").asText()).isEqualTo("registry.node.expire");
    assertThat(audit.get(1).get("actor").asText()).isEqualTo("system:registry-reaper");
  }

  @Test
  void heartbeatRevivesAnUnhealthyNode() {
    register(a, "revived", "revived-1", 1);
    awaitService(a, "revived", s -> !nodeOf(s, "revived-1").get("healthy").asBoolean());
    JsonHttp.Response renew = register(a, "revived", "revived-1", 30);
    assertThat(renew.json().get("changed").asBoolean()).isTrue();
    assertThat(
            nodeOf(a.get(SERVICE.formatted("revived")).json(), "revived-1")
                .get("healthy")
                .asBoolean())
        .isTrue();
  }

  @Test
  void operatorDisablesEnablesAndWeighsANode() {
    register(a, "catalog", "catalog-1", 30);
    JsonHttp.Response disabled =
        b.patch(NODES.formatted("catalog", "catalog-1"), Map.of("enabled", false));
    assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
    assertThat(disabled.json().get("enabled").asBoolean()).isFalse();
    assertThat(disabled.json().get("selectable").asBoolean()).isFalse();
    JsonNode n = nodeOf(a.get(SERVICE.formatted("catalog")).json(), "catalog-1");
    assertThat(n.get("enabled").asBoolean()).isFalse();

    // Re-registration keeps the operator's choice.
    register(a, "catalog", "catalog-1", 30);
    assertThat(
            nodeOf(a.get(SERVICE.formatted("catalog")).json(), "catalog-1")
                .get("enabled")
                .asBoolean())
        .isFalse();

    JsonHttp.Response enabled =
        b.patch(NODES.formatted("catalog", "catalog-1"), Map.of("enabled", true, "weight", 250));
    assertThat(enabled.json().get("enabled").asBoolean()).isTrue();
    assertThat(enabled.json().get("weight").asInt()).isEqualTo(250);
    assertThat(enabled.json().get("selectable").asBoolean()).isTrue();

    long index = a.get(SERVICE.formatted("catalog")).index();
    JsonHttp.Response same =
        b.patch(NODES.formatted("catalog", "catalog-1"), Map.of("weight", 250));
    assertThat(same.index()).isEqualTo(index);

    JsonNode audit =
        a.get("/api/v1/audit?action=registry.node.update&target=registry/catalog/*")
            .json()
            .get("entries");
    assertThat(audit).hasSize(2);
    assertThat(audit.get(0).get("details").get("weight").asInt()).isEqualTo(250);
  }

  @Test
  void protectionThresholdMakesEveryEnabledNodeSelectable() {
    for (int i = 1; i <= 3; i++) {
      register(a, "fragile", "fragile-" + i, 1);
    }
    register(a, "fragile", "fragile-4", 60);
    JsonHttp.Response set = a.patch(SERVICE.formatted("fragile"), Map.of("protectThreshold", 0.5));
    assertThat(set.status()).as(set.body()).isEqualTo(200);
    assertThat(set.json().get("protectThreshold").asDouble()).isEqualTo(0.5);

    JsonNode protectedView = awaitService(a, "fragile", s -> s.get("protected").asBoolean());
    for (JsonNode n : protectedView.get("nodes")) {
      assertThat(n.get("selectable").asBoolean()).as(n.toString()).isTrue();
    }
    assertThat(nodeOf(protectedView, "fragile-1").get("healthy").asBoolean()).isFalse();

    a.patch(SERVICE.formatted("fragile"), Map.of("protectThreshold", 0.0));
    JsonNode unprotected = a.get(SERVICE.formatted("fragile")).json();
    assertThat(unprotected.get("protected").asBoolean()).isFalse();
    assertThat(nodeOf(unprotected, "fragile-1").get("selectable").asBoolean()).isFalse();
    assertThat(nodeOf(unprotected, "fragile-4").get("selectable").asBoolean()).isTrue();
  }

  @Test
  void deregisteredNodeIsGoneAndAudited() {
    register(a, "leaving", "leaving-1", 30);
    assertThat(b.delete(NODES.formatted("leaving", "leaving-1")).status()).isEqualTo(204);
    assertThat(a.get(SERVICE.formatted("leaving")).json().get("nodes")).isEmpty();
    assertThat(b.delete(NODES.formatted("leaving", "leaving-1")).status()).isEqualTo(404);
    JsonNode audit = a.get("/api/v1/audit?target=registry/leaving/leaving-1").json().get("entries");
    assertThat(audit.get(0).get("action").asText()).isEqualTo("registry.node.deregister");
    assertThat(audit.get(1).get("action").asText()).isEqualTo("registry.node.register");
  }

  @Test
  void unknownServiceIsEmptyAndBlocksUntilItAppears() {
    JsonHttp.Response empty = a.get(SERVICE.formatted("newcomer"));
    assertThat(empty.status()).isEqualTo(200);
    assertThat(empty.json().get("nodes")).isEmpty();
    CompletableFuture<JsonHttp.Response> watch =
        CompletableFuture.supplyAsync(
            () -> a.get(SERVICE.formatted("newcomer") + "?index=" + empty.index() + "&wait=30s"));
    sleep(300);
    register(b, "newcomer", "newcomer-1", 30);
    assertThat(watch.join().json().get("nodes")).hasSize(1);
  }

  @Test
  void registryNeedsATokenWithTheRightScope() {
    JsonHttp anonymous = client(replicaA, null);
    assertThat(anonymous.get("/api/v1/registry/services").status()).isEqualTo(401);
    assertThat(register(anonymous, "orders", "x-1", 30).status()).isEqualTo(401);

    String reader = ConsoleFixture.issue(replicaA, "registry-reader", "registry:read");
    JsonHttp.Response denied = register(client(replicaA, reader), "orders", "x-1", 30);
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.json().get("error").asText()).contains("registry:register:orders");
    assertThat(
            client(replicaA, reader)
                .patch(NODES.formatted("orders", "orders-1"), Map.of("enabled", false))
                .json()
                .get("error")
                .asText())
        .contains("registry:operate");

    String ordersOnly =
        ConsoleFixture.issue(replicaA, "orders-service", "registry:register:orders");
    assertThat(register(client(replicaA, ordersOnly), "orders", "orders-7", 30).status())
        .isEqualTo(201);
    JsonHttp.Response other = register(client(replicaA, ordersOnly), "payments", "payments-7", 30);
    assertThat(other.status()).isEqualTo(403);
    assertThat(other.json().get("error").asText()).contains("registry:register:payments");
    assertThat(client(replicaA, ordersOnly).get(SERVICE.formatted("orders")).status())
        .isEqualTo(403);

    String any = ConsoleFixture.issue(replicaA, "any-service", "registry:register:*");
    assertThat(register(client(replicaB, any), "payments", "payments-7", 30).status())
        .isEqualTo(201);

    JsonNode audit = a.get("/api/v1/audit?target=registry/orders/orders-7").json().get("entries");
    assertThat(audit.get(0).get("actor").asText()).isEqualTo("orders-service");
  }

  @Test
  void httpBrokerSubscriberNodeWithTopicAndQueueKeysRegisters() {
    Map<String, Object> body = node("10.0.0.2:9000", 30);
    body.put("metadata", Map.of("topic:orders.placed", "queue:notifications"));
    JsonHttp.Response put = a.put(NODES.formatted("vigil.broker.http", "broker-1"), body);
    assertThat(put.status()).as(put.body()).isEqualTo(201);
    JsonNode n = nodeOf(b.get(SERVICE.formatted("vigil.broker.http")).json(), "broker-1");
    assertThat(n.get("metadata").get("topic:orders.placed").asText())
        .isEqualTo("queue:notifications");
  }

  @Test
  void everyBadRegistrationFieldIsNamed() {
    String path = NODES.formatted("orders", "orders-bad");
    assertBadField(a.put(NODES.formatted("-orders", "n1"), node("h:1", 30)), "service");
    assertBadField(a.put(NODES.formatted("orders", "n%201"), node("h:1", 30)), "nodeId");
    assertBadField(a.put(path, node("no-port", 30)), "address");
    assertBadField(a.put(path, node("host:0", 30)), "address");
    assertBadField(a.put(path, node("host:65536", 30)), "address");
    assertBadField(a.put(path, node("bad host:80", 30)), "address");
    assertThat(a.put(path, node("[::1]:80", 30)).status()).isEqualTo(201);
    assertBadField(a.put(path, node("h:1", 0)), "ttlSeconds");
    assertBadField(a.put(path, node("h:1", 3601)), "ttlSeconds");
    Map<String, Object> badVersion = node("h:1", 30);
    badVersion.put("version", "1 0");
    assertBadField(a.put(path, badVersion), "version");
    Map<String, Object> badMetadata = node("h:1", 30);
    badMetadata.put("metadata", Map.of("zone", 1));
    assertBadField(a.put(path, badMetadata), "metadata.zone");
    Map<String, Object> longValue = node("h:1", 30);
    longValue.put("metadata", Map.of("zone", "x".repeat(1025)));
    assertBadField(a.put(path, longValue), "metadata.zone");
    Map<String, Object> badKey = node("h:1", 30);
    badKey.put("metadata", Map.of("a key", "v"));
    assertBadField(a.put(path, badKey), "metadata");
    Map<String, Object> many = node("h:1", 30);
    Map<String, String> big = new LinkedHashMap<>();
    for (int i = 0; i < 65; i++) {
      big.put("k" + i, "v");
    }
    many.put("metadata", big);
    assertBadField(a.put(path, many), "metadata");
    Map<String, Object> badEndpoints = node("h:1", 30);
    badEndpoints.put("endpoints", List.of(Map.of("metadata", Map.of())));
    assertBadField(a.put(path, badEndpoints), "endpoints");
    Map<String, Object> unknown = node("h:1", 30);
    unknown.put("colour", "red");
    assertBadField(a.put(path, unknown), "colour");
    Map<String, Object> noAddress = node("h:1", 30);
    noAddress.remove("address");
    assertBadField(a.put(path, noAddress), "address");
    assertBadField(a.put(path, "{not json"), "body");
    assertBadField(a.put(path + "?force=true", node("h:1", 30)), "force");
  }

  @Test
  void everyBadOperatorOrQueryInputIsNamed() {
    register(a, "ops", "ops-1", 30);
    String path = NODES.formatted("ops", "ops-1");
    assertBadField(a.patch(path, Map.of("weight", 0)), "weight");
    assertBadField(a.patch(path, Map.of("weight", 10_001)), "weight");
    assertBadField(a.patch(path, Map.of("enabled", "no")), "enabled");
    assertBadField(a.patch(path, Map.of()), "body");
    assertThat(a.patch(NODES.formatted("ops", "ops-404"), Map.of("enabled", false)).status())
        .isEqualTo(404);
    assertBadField(
        a.patch(SERVICE.formatted("ops"), Map.of("protectThreshold", 1.5)), "protectThreshold");
    assertBadField(a.patch(SERVICE.formatted("ops"), Map.of()), "protectThreshold");
    assertBadField(a.get(SERVICE.formatted("ops") + "?index=-1"), "index");
    assertBadField(a.get(SERVICE.formatted("ops") + "?index=abc"), "index");
    assertBadField(a.get(SERVICE.formatted("ops") + "?index=5&wait=6m"), "wait");
    assertBadField(a.get(SERVICE.formatted("ops") + "?index=5&wait=soon"), "wait");
    assertBadField(a.get(SERVICE.formatted("ops") + "?index=5&wait=0s"), "wait");
    assertBadField(a.get(SERVICE.formatted("ops") + "?wait=5s"), "wait");
    assertBadField(a.get(SERVICE.formatted("ops") + "?idx=5"), "idx");
    assertBadField(a.get(SERVICE.formatted("bad%20name")), "service");
  }

  @Test
  void waitAcceptsMillisecondsSecondsAndMinutes() {
    register(a, "waits", "waits-1", 30);
    long index = a.get(SERVICE.formatted("waits")).index();
    long started = System.nanoTime();
    JsonHttp.Response r = a.get(SERVICE.formatted("waits") + "?index=" + index + "&wait=300ms");
    long ms = (System.nanoTime() - started) / 1_000_000;
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.index()).isEqualTo(index);
    assertThat(ms).isBetween(250L, 2000L);
  }

  static JsonNode awaitService(JsonHttp api, String service, Predicate<JsonNode> condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    JsonHttp.Response r = api.get(SERVICE.formatted(service));
    while (!condition.test(r.json())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met: " + r.body());
      }
      r = api.get(SERVICE.formatted(service) + "?index=" + r.index() + "&wait=5s");
    }
    return r.json();
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
