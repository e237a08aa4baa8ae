package dev.vigil.console;

import static dev.vigil.console.ConsoleFixture.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.framework.errors.FrameworkException;
import dev.vigil.framework.registry.Endpoint;
import dev.vigil.framework.registry.Event;
import dev.vigil.framework.registry.Node;
import dev.vigil.framework.registry.Service;
import dev.vigil.framework.registry.Watch;
import dev.vigil.framework.registry.console.ConsoleRegistry;
import dev.vigil.framework.selector.DefaultSelector;
import dev.vigil.framework.selector.SelectOptions;
import dev.vigil.framework.selector.Strategies;
import dev.vigil.testing.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * framework-lite's console registry plugin against the real console server and database: what the
 * selector sees, watch events, and serving the last known nodes while the console is stopped.
 */
class ConsoleRegistryPluginTest {
  @RegisterExtension static final PostgresExtension postgres = new PostgresExtension();

  static ConsoleFixture fixture;
  static ConsoleServer console;

  @TempDir Path cacheDir;

  @BeforeAll
  static void start() {
    fixture = new ConsoleFixture(postgres.jdbcUrl());
    console = fixture.start();
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  ConsoleRegistry.Builder plugin(int port, String token) {
    return ConsoleRegistry.builder()
        .url("http://127.0.0.1:" + port)
        .token(token)
        .wait(Duration.ofSeconds(5))
        .requestTimeout(Duration.ofSeconds(2))
        .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
        .cacheDirectory(cacheDir);
  }

  static Service service(String name, String version, Node... nodes) {
    return new Service(
        name, version, Map.of(), List.of(new Endpoint(name + ".Get")), List.of(nodes));
  }

  @Test
  void registeredNodesReachTheSelectorWithTheConsolesWeight() {
    String token =
        ConsoleFixture.issue(
            console, "inventory-svc", "registry:register:inventory", "registry:read");
    try (ConsoleRegistry registry = plugin(console.port(), token).build();
        DefaultSelector selector =
            DefaultSelector.builder(registry).strategy(Strategies.weighted()).build()) {
      registry.register(
          service(
              "inventory",
              "2.0",
              new Node("inv-1", "10.1.0.1:9000", Map.of("zone", "a")),
              new Node("inv-2", "10.1.0.2:9000")),
          Duration.ofSeconds(30));
      admin(console)
          .patch("/api/v1/registry/services/inventory/nodes/inv-2", Map.of("weight", 300));

      List<Service> versions = registry.getService("inventory");
      assertThat(versions).hasSize(1);
      assertThat(versions.get(0).version()).isEqualTo("2.0");
      assertThat(versions.get(0).endpoints())
          .extracting(Endpoint::name)
          .containsExactly("inventory.Get");
      Node inv1 = versions.get(0).nodes().get(0);
      assertThat(inv1.metadata()).containsEntry("zone", "a").containsEntry(Node.WEIGHT, "100");
      assertThat(versions.get(0).nodes().get(1).metadata(Node.WEIGHT)).isEqualTo("300");

      Map<String, Integer> picks = new HashMap<>();
      for (int i = 0; i < 400; i++) {
        picks.merge(selector.select("inventory", SelectOptions.none()).id(), 1, Integer::sum);
      }
      assertThat(picks).containsEntry("inv-1", 100).containsEntry("inv-2", 300);

      registry.deregister(service("inventory", "2.0", new Node("inv-1", "10.1.0.1:9000")));
      await(() -> selectedIds(selector, "inventory", 20).equals(java.util.Set.of("inv-2")));
    }
  }

  record Hello(String name) {}

  record Reply(String text) {}

  @Test
  void frameworkServicesChoosingTheConsolePluginByNameFindEachOther() {
    String token =
        ConsoleFixture.issue(console, "e2e-services", "registry:register:*", "registry:read");
    dev.vigil.framework.Service greeter = frameworkService("e2e-greeter", token);
    dev.vigil.framework.Service caller = frameworkService("e2e-caller", token);
    try {
      greeter.handle("Greeter.Hello", Hello.class, h -> new Reply("Hello " + h.name()));
      greeter.start();
      caller.start();
      assertThat(greeter.registry()).isInstanceOf(ConsoleRegistry.class);
      assertThat(caller.client().call("e2e-greeter", "Greeter.Hello", new Hello("a"), Reply.class))
          .isEqualTo(new Reply("Hello a"));
      JsonNode nodes = admin(console).get("/api/v1/registry/services/e2e-greeter").json();
      assertThat(nodes.get("nodes")).hasSize(1);
      assertThat(nodes.get("nodes").get(0).get("endpoints").toString()).contains("Greeter.Hello");
    } finally {
      caller.stop();
      greeter.stop();
    }
    assertThat(admin(console).get("/api/v1/registry/services/e2e-greeter").json().get("nodes"))
        .isEmpty();
    assertThat(cacheDir.resolve("console-registry-e2e-caller.json")).exists();
  }

  dev.vigil.framework.Service frameworkService(String name, String token) {
    return dev.vigil.framework.Service.builder()
        .name(name)
        .environment(Map.of())
        .installPlugin(ConsoleRegistry.plugin())
        .set("vigil.registry", "console")
        .set(ConsoleRegistry.URL_KEY, "http://127.0.0.1:" + console.port())
        .set(ConsoleRegistry.TOKEN_KEY, token)
        .set(ConsoleRegistry.CACHE_DIR_KEY, cacheDir.toString())
        .set(ConsoleRegistry.WAIT_KEY, "5s")
        .build();
  }

  @Test
  void pluginNamesAMissingSetting() {
    assertThatThrownBy(
            () ->
                dev.vigil.framework.Service.builder()
                    .name("no-url")
                    .environment(Map.of())
                    .installPlugin(ConsoleRegistry.plugin())
                    .set("vigil.registry", "console")
                    .build())
        .hasMessageContaining("vigil.registry.console.url: missing");
  }

  @Test
  void watchReportsCreateUpdateAndDeleteFromConsoleChanges() throws Exception {
    try (ConsoleRegistry registry = plugin(console.port(), ConsoleFixture.ADMIN_TOKEN).build()) {
      BlockingQueue<Event> events = new LinkedBlockingQueue<>();
      Watch watch = registry.watch("ledger", events::add);
      Thread.sleep(300);

      registry.register(
          service("ledger", "1", new Node("l-1", "10.2.0.1:1")), Duration.ofSeconds(30));
      Event created = events.poll(20, TimeUnit.SECONDS);
      assertThat(created.type()).isEqualTo(Event.Type.CREATE);
      assertThat(created.service().nodes()).extracting(Node::id).containsExactly("l-1");

      registry.register(
          service("ledger", "1", new Node("l-2", "10.2.0.2:1")), Duration.ofSeconds(30));
      Event updated = events.poll(20, TimeUnit.SECONDS);
      assertThat(updated.type()).isEqualTo(Event.Type.UPDATE);
      assertThat(updated.service().nodes()).extracting(Node::id).containsExactly("l-1", "l-2");

      admin(console).patch("/api/v1/registry/services/ledger/nodes/l-1", Map.of("enabled", false));
      Event disabled = events.poll(20, TimeUnit.SECONDS);
      assertThat(disabled.type()).isEqualTo(Event.Type.UPDATE);
      assertThat(disabled.service().nodes()).extracting(Node::id).containsExactly("l-2");

      admin(console).delete("/api/v1/registry/services/ledger/nodes/l-2");
      Event deleted = events.poll(20, TimeUnit.SECONDS);
      assertThat(deleted.type()).isEqualTo(Event.Type.DELETE);
      assertThat(deleted.service().nodes()).extracting(Node::id).containsExactly("l-2");
      assertThat(registry.getService("ledger")).isEmpty();

      watch.close();
      admin(console).patch("/api/v1/registry/services/ledger/nodes/l-1", Map.of("enabled", true));
      assertThat(events.poll(1, TimeUnit.SECONDS)).isNull();
    }
  }

  @Test
  void protectedServiceHandsOutItsUnhealthyNodes() {
    try (ConsoleRegistry registry = plugin(console.port(), ConsoleFixture.ADMIN_TOKEN).build()) {
      registry.register(
          service("shaky", "1", new Node("s-1", "10.3.0.1:1")), Duration.ofSeconds(1));
      registry.register(
          service("shaky", "1", new Node("s-2", "10.3.0.2:1")), Duration.ofSeconds(60));
      await(
          () ->
              registry.getService("shaky").size() == 1
                  && registry.getService("shaky").get(0).nodes().size() == 1);
      admin(console).patch("/api/v1/registry/services/shaky", Map.of("protectThreshold", 0.9));
      await(
          () ->
              !registry.getService("shaky").isEmpty()
                  && registry.getService("shaky").get(0).nodes().size() == 2);
    }
  }

  @Test
  void registerFailsWithTheConsolesReasonWhenTheTokenLacksTheScope() {
    String token = ConsoleFixture.issue(console, "reader-only", "registry:read");
    try (ConsoleRegistry registry = plugin(console.port(), token).build()) {
      assertThatThrownBy(
              () -> registry.register(service("audit", "1", new Node("a-1", "h:1")), Duration.ZERO))
          .isInstanceOfSatisfying(
              FrameworkException.class, e -> assertThat(e.code()).isEqualTo(403))
          .hasMessageContaining("registry:register:audit");
    }
  }

  @Test
  void keepsServingLastKnownNodesWhileTheConsoleIsDownAcrossARestartAndConverges()
      throws Exception {
    int port;
    ConsoleServer own = fixture.start();
    port = own.port();
    ConsoleRegistry first = plugin(port, ConsoleFixture.ADMIN_TOKEN).cacheName("payments").build();
    first.register(service("payments", "3", new Node("p-1", "10.4.0.1:1")), Duration.ofMinutes(5));
    assertThat(first.getService("payments").get(0).nodes())
        .extracting(Node::id)
        .containsExactly("p-1");
    await(() -> Files.exists(first.cacheFile()));

    own.close(); // the console goes away
    assertThat(first.getService("payments").get(0).nodes())
        .extracting(Node::id)
        .containsExactly("p-1");
    first.close(); // and so does the service

    // The service starts again while the console is still down: the cache file answers.
    ConsoleRegistry second = plugin(port, ConsoleFixture.ADMIN_TOKEN).cacheName("payments").build();
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    second.watch("payments", events::add);
    try (DefaultSelector selector = DefaultSelector.builder(second).build()) {
      assertThat(second.getService("payments").get(0).nodes())
          .extracting(Node::id)
          .containsExactly("p-1");
      assertThat(selector.select("payments", SelectOptions.none()).id()).isEqualTo("p-1");
      assertThat(second.staleReads()).isPositive();

      // Meanwhile p-1 was replaced by p-2; the console comes back on the same port.
      ConsoleServer back =
          fixture.start(
              b ->
                  b.config(
                      ConsoleConfig.builder()
                          .host("127.0.0.1")
                          .port(port)
                          .tokens(java.util.Set.of(ConsoleFixture.ADMIN_TOKEN))
                          .build()));
      admin(back).delete("/api/v1/registry/services/payments/nodes/p-1");
      admin(back)
          .put(
              "/api/v1/registry/services/payments/nodes/p-2",
              Map.of("version", "3", "address", "10.4.0.2:1", "ttlSeconds", 300));

      await(() -> selectedIds(selector, "payments", 10).equals(java.util.Set.of("p-2")));
      assertThat(events).as("convergence is reported as events").isNotEmpty();
      await(() -> Files.readString(second.cacheFile()).contains("p-2"));
      assertThat(Files.readString(second.cacheFile())).doesNotContain("p-1");
    } finally {
      second.close();
    }
  }

  static java.util.Set<String> selectedIds(DefaultSelector selector, String service, int calls) {
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (int i = 0; i < calls; i++) {
      try {
        ids.add(selector.select(service, SelectOptions.none()).id());
      } catch (FrameworkException e) {
        return java.util.Set.of();
      }
    }
    return ids;
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void await(Check check) {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (true) {
      try {
        if (check.ok()) {
          return;
        }
      } catch (Exception ignored) {
        // not yet
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 15s");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
