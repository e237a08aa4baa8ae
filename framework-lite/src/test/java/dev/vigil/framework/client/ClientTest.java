package dev.vigil.framework.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.framework.CallContext;
import dev.vigil.framework.Metadata;
import dev.vigil.framework.Service;
import dev.vigil.framework.TestCluster;
import dev.vigil.framework.TestModels.Hello;
import dev.vigil.framework.TestModels.Reply;
import dev.vigil.framework.errors.FrameworkException;
import dev.vigil.framework.registry.Node;
import dev.vigil.framework.selector.Filters;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClientTest {
  private final TestCluster cluster = new TestCluster();

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  private static String deadAddress() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  @Test
  void callsInheritTheRemainingDeadlineOfTheRequestBeingHandled() {
    AtomicReference<Duration> downstreamRemaining = new AtomicReference<>();
    Service back = cluster.build("back");
    back.handle(
        "Back.Get",
        Hello.class,
        h -> {
          downstreamRemaining.set(CallContext.current().orElseThrow().remaining());
          return new Reply("ok", "back");
        });
    back.start();
    Service front = cluster.build("front");
    front.handle(
        "Front.Get",
        Hello.class,
        h -> front.client().call("back", "Back.Get", h, Reply.class)); // default timeout 5 s
    front.start();
    Service caller = cluster.build("caller").start();
    caller
        .client()
        .call(
            "front",
            "Front.Get",
            new Hello("x"),
            Reply.class,
            CallOptions.builder().timeout(Duration.ofMillis(800)).build());
    assertThat(downstreamRemaining.get()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(800));
  }

  @Test
  void noAttemptStartsAfterTheDeadlinePassed() {
    AtomicInteger backCalls = new AtomicInteger();
    Service back = cluster.build("back");
    back.handle("Back.Get", Hello.class, h -> backCalls.incrementAndGet()).start();
    Service front = cluster.build("front");
    front.handle(
        "Front.Get",
        Hello.class,
        h -> {
          Thread.sleep(400); // outlive the caller's 200 ms deadline
          return front.client().call("back", "Back.Get", h, Integer.class);
        });
    front.start();
    Service caller = cluster.build("caller").start();
    assertThatThrownBy(
            () ->
                caller
                    .client()
                    .call(
                        "front",
                        "Front.Get",
                        new Hello("x"),
                        Reply.class,
                        CallOptions.builder().timeout(Duration.ofMillis(200)).retries(0).build()))
        .isInstanceOf(FrameworkException.class)
        .satisfies(e -> assertThat(((FrameworkException) e).code()).isEqualTo(408));
    // the front handler goes on; its downstream call must fail with 408 without reaching back
    long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (front.server().inFlight() > 0 && System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    assertThat(backCalls).hasValue(0);
  }

  @Test
  void connectionRefusedIsRetriedOnAnotherNode() throws Exception {
    Service back = cluster.build("back");
    back.handle("Back.Get", Hello.class, h -> new Reply("ok", "live")).start();
    cluster.registry.register(
        dev.vigil.framework.registry.Service.of("back", "latest", new Node("dead", deadAddress())),
        Duration.ZERO);
    Service caller = cluster.build("caller").start();
    for (int i = 0; i < 10; i++) {
      assertThat(caller.client().call("back", "Back.Get", new Hello("x"), Reply.class).node())
          .isEqualTo("live");
    }
  }

  @Test
  void a503AnswerIsRetriedButA500IsNot() {
    AtomicInteger unavailable = new AtomicInteger();
    AtomicInteger failing = new AtomicInteger();
    Service back = cluster.build("back");
    back.handle(
        "Back.Busy",
        Hello.class,
        h -> {
          if (unavailable.incrementAndGet() == 1) {
            throw FrameworkException.unavailable("back", "busy");
          }
          return new Reply("ok", "b");
        });
    back.handle(
        "Back.Fail",
        Hello.class,
        h -> {
          failing.incrementAndGet();
          throw new IllegalStateException("no");
        });
    back.start();
    Service caller = cluster.build("caller").start();
    CallOptions three = CallOptions.builder().retries(3).build();
    assertThat(caller.client().call("back", "Back.Busy", new Hello("x"), Reply.class, three))
        .isEqualTo(new Reply("ok", "b"));
    assertThat(unavailable).hasValue(2);
    assertThatThrownBy(
            () -> caller.client().call("back", "Back.Fail", new Hello("x"), Reply.class, three))
        .isInstanceOfSatisfying(FrameworkException.class, e -> assertThat(e.code()).isEqualTo(500));
    assertThat(failing).hasValue(1);
  }

  @Test
  void noNodeIsA503FromTheSelectorNamingServiceAndFilters() {
    Service caller = cluster.build("caller").start();
    assertThatThrownBy(
            () ->
                caller
                    .client()
                    .call(
                        "nobody",
                        "Nobody.Get",
                        new Hello("x"),
                        Reply.class,
                        CallOptions.builder().filter(Filters.version("2")).build()))
        .isInstanceOfSatisfying(
            FrameworkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(503);
              assertThat(e.id()).isEqualTo("selector");
              assertThat(e.detail()).contains("nobody");
            });
  }

  @Test
  void callWrappersSeeEveryAttemptInOrderAndCanAddMetadata() throws Exception {
    AtomicReference<Metadata> received = new AtomicReference<>();
    Service back = cluster.build("back");
    back.handle(
        "Back.Get",
        Hello.class,
        h -> {
          received.set(CallContext.current().orElseThrow().metadata());
          return new Reply("ok", "b");
        });
    back.start();
    cluster.registry.register(
        dev.vigil.framework.registry.Service.of("back", "latest", new Node("dead", deadAddress())),
        Duration.ZERO);
    List<String> log = new CopyOnWriteArrayList<>();
    Service caller =
        cluster.build(
            "caller",
            b ->
                b.wrapCall(
                        next ->
                            (node, req) -> {
                              log.add("outer " + node.id());
                              return next.call(node, req.withMetadata("x-outer", "1"));
                            })
                    .wrapCall(
                        next ->
                            (node, req) -> {
                              log.add("inner " + req.metadata().getOrNull("x-outer"));
                              return next.call(node, req);
                            }));
    caller.start();
    for (int i = 0; i < 4; i++) {
      caller.client().call("back", "Back.Get", new Hello("x"), Reply.class);
    }
    assertThat(log).hasSizeGreaterThanOrEqualTo(8).contains("outer dead");
    for (int i = 0; i < log.size(); i += 2) {
      assertThat(log.get(i)).startsWith("outer ");
      assertThat(log.get(i + 1)).isEqualTo("inner 1");
    }
    assertThat(received.get().getOrNull("x-outer")).isEqualTo("1");
  }

  @Test
  @SuppressWarnings("try")
  void traceHeadersOfTheRequestBeingHandledAreCarriedUnlessTheCallSetsItsOwn() {
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    AtomicReference<Metadata> received = new AtomicReference<>();
    Service back = cluster.build("back");
    back.handle(
        "Back.Get",
        Hello.class,
        h -> {
          received.set(CallContext.current().orElseThrow().metadata());
          return new Reply("ok", "b");
        });
    back.start();
    Service caller = cluster.build("caller").start();
    CallContext incoming =
        new CallContext(
            "caller",
            "Caller.Run",
            Metadata.of(
                Map.of("traceparent", traceparent, "tracestate", "vigil=1", "baggage", "user=ann")),
            Instant.now().plusSeconds(5));
    try (CallContext.Scope ignored = incoming.attach()) {
      caller.client().call("back", "Back.Get", new Hello("x"), Reply.class);
      assertThat(received.get().getOrNull("traceparent")).isEqualTo(traceparent);
      assertThat(received.get().getOrNull("tracestate")).isEqualTo("vigil=1");
      assertThat(received.get().getOrNull("baggage")).isEqualTo("user=ann");
      String own = "00-11111111111111111111111111111111-2222222222222222-01";
      caller
          .client()
          .call(
              "back",
              "Back.Get",
              new Hello("x"),
              Reply.class,
              CallOptions.builder().metadata("traceparent", own).build());
      assertThat(received.get().getOrNull("traceparent")).isEqualTo(own);
      assertThat(received.get().getOrNull("tracestate")).isNull();
    }
  }
}
