package dev.vigil.framework;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.framework.TestModels.Event;
import dev.vigil.framework.TestModels.Hello;
import dev.vigil.framework.TestModels.Reply;
import dev.vigil.framework.TestModels.Slow;
import dev.vigil.framework.client.CallOptions;
import dev.vigil.framework.config.ConfigKeys;
import dev.vigil.framework.errors.FrameworkException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Services talking over real HTTP on loopback through a memory registry. */
class ServiceIntegrationTest {
  private final TestCluster cluster = new TestCluster();

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  private Service greeterNode(String node) {
    Service s = cluster.build("greeter", b -> b.metadata("node", node));
    s.handle("Greeter.Hello", Hello.class, h -> new Reply("Hello " + h.name(), node));
    s.handle(
        "Greeter.Slow",
        Slow.class,
        req -> {
          Thread.sleep(req.millis());
          return new Reply("slept", node);
        });
    return s.start();
  }

  @Test
  void twoServicesCallEachOtherThroughTheRegistry() {
    greeterNode("g1");
    Service gateway = cluster.build("gateway");
    gateway.handle(
        "Gateway.Greet",
        Hello.class,
        h -> {
          Reply r = gateway.client().call("greeter", "Greeter.Hello", h, Reply.class);
          return new Reply(r.message() + " via gateway", r.node());
        });
    gateway.start();
    Service caller = cluster.build("caller").start();
    assertThat(caller.client().call("gateway", "Gateway.Greet", new Hello("ann"), Reply.class))
        .isEqualTo(new Reply("Hello ann via gateway", "g1"));
  }

  @Test
  void roundRobinSpreadsCallsEvenlyAcrossThreeNodes() {
    greeterNode("g1");
    greeterNode("g2");
    greeterNode("g3");
    Service caller =
        cluster.build("caller", b -> b.set(ConfigKeys.SELECTOR_STRATEGY, "round-robin")).start();
    Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    for (int i = 0; i < 30; i++) {
      Reply r = caller.client().call("greeter", "Greeter.Hello", new Hello("x"), Reply.class);
      counts.computeIfAbsent(r.node(), k -> new AtomicInteger()).incrementAndGet();
    }
    assertThat(counts).containsOnlyKeys("g1", "g2", "g3");
    counts.values().forEach(c -> assertThat(c.get()).isEqualTo(10));
  }

  @Test
  void aNodeAnswering503IsSkippedAndReadmittedOnceItAnswersAgain() throws Exception {
    greeterNode("good");
    AtomicBoolean sick = new AtomicBoolean(true);
    AtomicInteger sickCalls = new AtomicInteger();
    Service flaky = cluster.build("greeter");
    flaky.handle(
        "Greeter.Hello",
        Hello.class,
        h -> {
          sickCalls.incrementAndGet();
          if (sick.get()) {
            throw FrameworkException.unavailable("greeter", "overloaded");
          }
          return new Reply("Hello " + h.name(), "flaky");
        });
    flaky.start();
    Service caller =
        cluster.build("caller", b -> b.set(ConfigKeys.SELECTOR_STRATEGY, "round-robin")).start();
    for (int i = 0; i < 20; i++) {
      assertThat(
              caller.client().call("greeter", "Greeter.Hello", new Hello("x"), Reply.class).node())
          .isEqualTo("good");
    }
    assertThat(sickCalls.get()).isBetween(1, 3); // backed off after its first failure
    sick.set(false);
    List<String> nodes = new ArrayList<>();
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!nodes.contains("flaky") && System.nanoTime() < until) {
      nodes.add(
          caller.client().call("greeter", "Greeter.Hello", new Hello("x"), Reply.class).node());
      Thread.sleep(50);
    }
    assertThat(nodes).contains("flaky");
    Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    for (int i = 0; i < 10; i++) {
      Reply r = caller.client().call("greeter", "Greeter.Hello", new Hello("x"), Reply.class);
      counts.computeIfAbsent(r.node(), k -> new AtomicInteger()).incrementAndGet();
    }
    assertThat(counts).containsKeys("good", "flaky");
  }

  @Test
  void aStoppedNodeIsSkippedByRetryingElsewhere() {
    greeterNode("g1");
    Service g2 = greeterNode("g2");
    Service caller =
        cluster.build("caller", b -> b.set(ConfigKeys.SELECTOR_STRATEGY, "round-robin")).start();
    String deadAddress = g2.server().address();
    g2.stop();
    // the registry no longer lists g2; calling its old address directly fails cleanly
    for (int i = 0; i < 10; i++) {
      assertThat(
              caller.client().call("greeter", "Greeter.Hello", new Hello("x"), Reply.class).node())
          .isEqualTo("g1");
    }
    try {
      caller
          .client()
          .call(
              "greeter",
              "Greeter.Hello",
              new Hello("x"),
              Reply.class,
              CallOptions.builder().address(deadAddress).retries(0).build());
      throw new AssertionError("expected a transport failure");
    } catch (FrameworkException e) {
      assertThat(e.code()).isIn(502, 503);
    }
  }

  @Test
  void gracefulShutdownCompletesEveryCallInFlight() throws Exception {
    Service g1 = greeterNode("g1");
    greeterNode("g2");
    Service caller =
        cluster.build("caller", b -> b.set(ConfigKeys.SELECTOR_STRATEGY, "round-robin")).start();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Reply>> slow = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        slow.add(
            pool.submit(
                () -> caller.client().call("greeter", "Greeter.Slow", new Slow(600), Reply.class)));
      }
      long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (g1.server().inFlight() == 0 && System.nanoTime() < until) {
        Thread.sleep(5);
      }
      assertThat(g1.server().inFlight()).isPositive();
      g1.stop(); // deregisters, drains, then closes
      List<String> nodes = new ArrayList<>();
      for (Future<Reply> f : slow) {
        Reply r = f.get(30, TimeUnit.SECONDS);
        assertThat(r.message()).isEqualTo("slept");
        nodes.add(r.node());
      }
      assertThat(nodes).contains("g1");
      for (int i = 0; i < 5; i++) {
        assertThat(
                caller
                    .client()
                    .call("greeter", "Greeter.Hello", new Hello("x"), Reply.class)
                    .node())
            .isEqualTo("g2");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void traceparentArrivesUnchangedDownstreamAndThroughTheBroker() throws Exception {
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    AtomicReference<Metadata> atGreeter = new AtomicReference<>();
    AtomicReference<Metadata> atAudit = new AtomicReference<>();
    CountDownLatch audited = new CountDownLatch(1);
    Service greeter = cluster.build("greeter");
    greeter.handle(
        "Greeter.Hello",
        Hello.class,
        h -> {
          atGreeter.set(CallContext.current().orElseThrow().metadata());
          return new Reply("Hello " + h.name(), "g");
        });
    greeter.start();
    Service audit = cluster.build("audit");
    audit.subscribe(
        "greetings",
        Event.class,
        "audit",
        e -> {
          atAudit.set(CallContext.current().orElseThrow().metadata());
          audited.countDown();
        });
    audit.start();
    Service gateway = cluster.build("gateway");
    gateway.handle(
        "Gateway.Greet",
        Hello.class,
        h -> {
          Reply r = gateway.client().call("greeter", "Greeter.Hello", h, Reply.class);
          gateway.client().publish("greetings", new Event(r.message()));
          return r;
        });
    gateway.start();
    Service caller = cluster.build("caller").start();
    caller
        .client()
        .call(
            "gateway",
            "Gateway.Greet",
            new Hello("ann"),
            Reply.class,
            CallOptions.builder()
                .metadata("traceparent", traceparent)
                .metadata("tracestate", "congo=t61rcWkgMzE")
                .metadata("baggage", "userId=alice")
                .build());
    assertThat(atGreeter.get().getOrNull("traceparent")).isEqualTo(traceparent);
    assertThat(atGreeter.get().getOrNull("tracestate")).isEqualTo("congo=t61rcWkgMzE");
    assertThat(atGreeter.get().getOrNull("baggage")).isEqualTo("userId=alice");
    assertThat(audited.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(atAudit.get().getOrNull("traceparent")).isEqualTo(traceparent);
    assertThat(atAudit.get().getOrNull("baggage")).isEqualTo("userId=alice");
  }
}
