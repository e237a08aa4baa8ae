package dev.vigil.framework.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.framework.Metadata;
import dev.vigil.framework.Service;
import dev.vigil.framework.TestCluster;
import dev.vigil.framework.TestModels.Hello;
import dev.vigil.framework.TestModels.Reply;
import dev.vigil.framework.errors.ErrorWire;
import dev.vigil.framework.errors.FrameworkException;
import dev.vigil.framework.registry.Endpoint;
import dev.vigil.framework.registry.FailingRegistry;
import dev.vigil.framework.registry.MemoryRegistry;
import dev.vigil.framework.transport.MemoryTransport;
import dev.vigil.framework.transport.TransportRequest;
import dev.vigil.framework.transport.TransportResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServerTest {
  private final TestCluster cluster = new TestCluster();

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  private Service greeter() {
    Service s = cluster.build("greeter");
    s.handle("Greeter.Hello", Hello.class, h -> new Reply("Hello " + h.name(), "n1"));
    return s.start();
  }

  @Test
  void unknownEndpointAnswers404NamingItAndTheKnownOnes() {
    greeter();
    Service caller = cluster.build("caller").start();
    assertThatThrownBy(
            () -> caller.client().call("greeter", "Greeter.Goodbye", new Hello("x"), Reply.class))
        .isInstanceOfSatisfying(
            FrameworkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(404);
              assertThat(e.id()).isEqualTo("greeter");
              assertThat(e.detail()).contains("Greeter.Goodbye").contains("known: Greeter.Hello");
            });
  }

  @Test
  void malformedBodyAnswers400FromTheCodecAndWrappersSeeIt() throws Exception {
    List<Integer> seen = new CopyOnWriteArrayList<>();
    Service s =
        cluster.build(
            "greeter",
            b ->
                b.wrapHandler(
                    next ->
                        req -> {
                          try {
                            return next.handle(req);
                          } catch (FrameworkException e) {
                            seen.add(e.code());
                            throw e;
                          }
                        }));
    s.handle("Greeter.Hello", Hello.class, h -> new Reply("Hello " + h.name(), "n1")).start();
    TransportResponse response =
        s.transport()
            .call(
                s.server().address(),
                new TransportRequest(
                    "greeter",
                    "Greeter.Hello",
                    Metadata.empty(),
                    "application/json",
                    "{\"name\": ".getBytes(StandardCharsets.UTF_8),
                    Duration.ofSeconds(2)),
                Duration.ofSeconds(2));
    assertThat(response.status()).isEqualTo(400);
    FrameworkException e = ErrorWire.decode("greeter", response.status(), response.body());
    assertThat(e.detail()).contains("Hello").contains("offset");
    assertThat(seen).containsExactly(400);
  }

  @Test
  void handlerExceptionAnswers500WithAnErrorIdAndTheServerKeepsServing() {
    Service s = cluster.build("greeter");
    AtomicInteger calls = new AtomicInteger();
    s.handle(
        "Greeter.Hello",
        Hello.class,
        h -> {
          if (calls.incrementAndGet() == 1) {
            throw new IllegalStateException("boom");
          }
          return new Reply("Hello " + h.name(), "n1");
        });
    s.start();
    Service caller = cluster.build("caller").start();
    assertThatThrownBy(
            () -> caller.client().call("greeter", "Greeter.Hello", new Hello("a"), Reply.class))
        .isInstanceOfSatisfying(
            FrameworkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(500);
              assertThat(e.id()).hasSize(16).isNotEqualTo("greeter");
              assertThat(e.detail()).contains("IllegalStateException");
            });
    assertThat(calls).hasValue(1); // a 500 is never retried
    Reply reply = caller.client().call("greeter", "Greeter.Hello", new Hello("b"), Reply.class);
    assertThat(reply.message()).isEqualTo("Hello b");
  }

  @Test
  void frameworkExceptionFromHandlerKeepsItsCode() {
    Service s = cluster.build("greeter");
    s.handle(
        "Greeter.Hello",
        Hello.class,
        h -> {
          throw FrameworkException.notFound("greeter", "no user " + h.name());
        });
    s.start();
    Service caller = cluster.build("caller").start();
    assertThatThrownBy(
            () -> caller.client().call("greeter", "Greeter.Hello", new Hello("bob"), Reply.class))
        .isInstanceOfSatisfying(
            FrameworkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(404);
              assertThat(e.detail()).isEqualTo("no user bob");
            });
  }

  @Test
  void requestWhoseDeadlinePassedIsAnswered408WithoutRunningTheHandler() {
    Service s = cluster.build("greeter");
    AtomicInteger calls = new AtomicInteger();
    s.handle("Greeter.Hello", Hello.class, h -> calls.incrementAndGet()).start();
    TransportResponse response =
        s.transport()
            .call(
                s.server().address(),
                new TransportRequest(
                    "greeter",
                    "Greeter.Hello",
                    Metadata.empty(),
                    "application/json",
                    "{\"name\":\"a\"}".getBytes(StandardCharsets.UTF_8),
                    Duration.ZERO),
                Duration.ofSeconds(2));
    assertThat(response.status()).isEqualTo(408);
    assertThat(calls).hasValue(0);
  }

  @Test
  void bodiesAboveTheLimitAreRefusedWith413BeforeTheHandlerRuns() {
    AtomicInteger calls = new AtomicInteger();
    Service s = cluster.build("greeter", b -> b.set("vigil.server.max-request-bytes", "64"));
    s.handle("Greeter.Hello", Hello.class, h -> calls.incrementAndGet()).start();
    Service caller = cluster.build("caller").start();
    assertThatThrownBy(
            () ->
                caller
                    .client()
                    .call("greeter", "Greeter.Hello", new Hello("x".repeat(100)), Integer.class))
        .isInstanceOfSatisfying(FrameworkException.class, e -> assertThat(e.code()).isEqualTo(413));
    assertThat(calls).hasValue(0);
    assertThat(caller.client().call("greeter", "Greeter.Hello", new Hello("x"), Integer.class))
        .isEqualTo(1);
  }

  @Test
  void endpointNamesMustBeServiceDotMethod() {
    Service s = cluster.build("greeter");
    assertThatThrownBy(() -> s.handle("hello", Hello.class, h -> h))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "endpoint: \"hello\" (expected: Service.Method, for example Greeter.Hello: two"
                + " identifiers joined by one '.')");
    s.handle("Greeter.Hello", Hello.class, h -> h);
    assertThatThrownBy(() -> s.handle("Greeter.Hello", Hello.class, h -> h))
        .hasMessageContaining("not already served");
  }

  @Test
  void registerIntervalMustBeBelowTheTtl() {
    assertThatThrownBy(
            () ->
                Server.builder("greeter", new MemoryTransport(), new MemoryRegistry())
                    .registerTtl(Duration.ofSeconds(5))
                    .registerInterval(Duration.ofSeconds(5))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("registerInterval: PT5S (expected: < registerTtl PT5S");
  }

  public static final class Greeter {
    public Reply hello(Hello h) {
      return new Reply("Hi " + h.name(), "obj");
    }

    public static Reply helper(Hello h) {
      return new Reply("static", "obj");
    }

    @Override
    public boolean equals(Object o) {
      return o == this;
    }

    @Override
    public int hashCode() {
      return 1;
    }
  }

  @Test
  void handlerObjectServesEachPublicMethodAsClassNameDotMethod() {
    Service s = cluster.build("greeter");
    s.server().handle(new Greeter());
    s.start();
    assertThat(s.server().endpoints()).containsExactly("Greeter.hello");
    Service caller = cluster.build("caller").start();
    assertThat(caller.client().call("greeter", "Greeter.hello", new Hello("x"), Reply.class))
        .isEqualTo(new Reply("Hi x", "obj"));
  }

  @Test
  void registrationListsEndpointsAndSubscriptionsAndStopDeregistersFirst() {
    Service s = cluster.build("greeter");
    s.handle("Greeter.Hello", Hello.class, h -> h);
    s.subscribe("greetings", Hello.class, "audit", h -> {});
    s.start();
    dev.vigil.framework.registry.Service record = cluster.registry.getService("greeter").get(0);
    assertThat(record.endpoints())
        .extracting(Endpoint::name)
        .containsExactly("Greeter.Hello", "greetings");
    assertThat(record.endpoints().get(1).metadata())
        .containsEntry("subscriber", "true")
        .containsEntry("queue", "audit");
    assertThat(record.nodes())
        .singleElement()
        .satisfies(n -> assertThat(n.address()).isEqualTo(s.server().address()));
    s.stop();
    s.stop();
    assertThat(cluster.registry.getService("greeter")).isEmpty();
  }

  @Test
  void registrationFailuresAreRetriedOnTheNextHeartbeat() throws Exception {
    MemoryRegistry backing = new MemoryRegistry();
    FailingRegistry registry = new FailingRegistry(backing);
    registry.failing(true);
    Server server =
        Server.builder("greeter", new MemoryTransport(), registry)
            .registerTtl(Duration.ofSeconds(2))
            .registerInterval(Duration.ofMillis(100))
            .build()
            .handle("Greeter.Hello", Hello.class, h -> h)
            .start();
    try {
      Thread.sleep(250); // a few failed heartbeats: logged, not fatal
      assertThat(server.isRunning()).isTrue();
      assertThat(backing.getService("greeter")).isEmpty();
      registry.failing(false);
      long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      while (backing.getService("greeter").isEmpty() && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertThat(backing.getService("greeter")).hasSize(1);
    } finally {
      server.stop();
      backing.close();
    }
    assertThat(backing.getService("greeter")).isEmpty();
  }

  @Test
  void healthAndMetricsAreServedOverHttp() throws Exception {
    Service s = greeter();
    Service caller = cluster.build("caller").start();
    caller.client().call("greeter", "Greeter.Hello", new Hello("x"), Reply.class);
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create("http://" + s.server().address() + "/health"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body())
        .contains("\"status\":\"ok\"")
        .contains("\"service\":\"greeter\"")
        .contains("\"node\":\"" + s.server().nodeId() + "\"")
        .contains("\"inFlight\":0")
        .contains("\"uptime\":");
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create("http://" + s.server().address() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("vigil_server_requests_total{code=\"200\",endpoint=\"Greeter.Hello\"} 1")
        .contains("vigil_server_request_duration_seconds_bucket{endpoint=\"Greeter.Hello\"");
    assertThat(new String(caller.metrics().scrape(), StandardCharsets.UTF_8))
        .contains(
            "vigil_client_requests_total{code=\"200\",endpoint=\"Greeter.Hello\",service=\"greeter\"} 1");
  }
}
