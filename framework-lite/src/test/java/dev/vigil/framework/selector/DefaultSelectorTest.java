package dev.vigil.framework.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.framework.errors.FrameworkException;
import dev.vigil.framework.registry.Endpoint;
import dev.vigil.framework.registry.EventRecorder;
import dev.vigil.framework.registry.FailingRegistry;
import dev.vigil.framework.registry.MemoryRegistry;
import dev.vigil.framework.registry.MutableClock;
import dev.vigil.framework.registry.Node;
import dev.vigil.framework.registry.Service;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DefaultSelectorTest {
  private static final Node A = new Node("orders-a", "10.0.0.1:8080", Map.of("zone", "eu"));
  private static final Node B = new Node("orders-b", "10.0.0.2:8080", Map.of("zone", "eu"));
  private static final Node C = new Node("orders-c", "10.0.0.3:8080", Map.of("zone", "us"));
  private static final RuntimeException REFUSED = new RuntimeException("connection refused");

  private final MutableClock clock = new MutableClock();
  private final MemoryRegistry memory = new MemoryRegistry();
  private final FailingRegistry registry = new FailingRegistry(memory);
  private final DefaultSelector selector = DefaultSelector.builder(registry).clock(clock).build();

  @AfterEach
  void close() {
    selector.close();
    memory.close();
  }

  private void registerThreeNodes() {
    memory.register(Service.of("orders", "1.0", A).withNodes(List.of(A, B)), Duration.ZERO);
    memory.register(Service.of("orders", "2.0", C), Duration.ZERO);
  }

  private Map<String, Integer> count(int calls, SelectOptions options) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < calls; i++) {
      counts.merge(selector.select("orders", options).id(), 1, Integer::sum);
    }
    return counts;
  }

  private Set<String> picked(int calls) {
    return new HashSet<>(count(calls, SelectOptions.none()).keySet());
  }

  private static FrameworkException selectError(Runnable select) {
    try {
      select.run();
    } catch (FrameworkException e) {
      return e;
    }
    throw new AssertionError("expected a FrameworkException");
  }

  @Test
  void roundRobinSpreadsCallsEvenlyAcrossThreeNodes() {
    registerThreeNodes();

    assertThat(count(300, SelectOptions.none()))
        .containsOnly(
            Map.entry("orders-a", 100), Map.entry("orders-b", 100), Map.entry("orders-c", 100));
  }

  @Test
  void selectingLooksTheServiceUpOnlyOnce() {
    registerThreeNodes();

    count(50, SelectOptions.none());

    assertThat(registry.getServiceCalls()).isEqualTo(1);
  }

  @Test
  void concurrentFirstSelectsShareOneLookup() throws Exception {
    registerThreeNodes();
    int threads = 8;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService callers = Executors.newFixedThreadPool(threads);
    List<Future<Node>> picks = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      picks.add(
          callers.submit(
              () -> {
                start.await();
                return selector.select("orders", SelectOptions.none());
              }));
    }
    for (Future<Node> f : picks) {
      assertThat(f.get(10, TimeUnit.SECONDS)).isIn(A, B, C);
    }
    callers.shutdown();

    assertThat(registry.getServiceCalls()).isEqualTo(1);
    assertThat(registry.openWatches()).isEqualTo(1);
  }

  @Test
  void randomPicksOnlyNodesThatPassTheFilters() {
    registerThreeNodes();
    SelectOptions options = new SelectOptions(List.of(Filters.version("1.0")), Strategies.random());

    assertThat(count(1000, options).keySet()).containsExactlyInAnyOrder("orders-a", "orders-b");
  }

  @Test
  void weightedStrategyFollowsNodeWeights() {
    Node heavy = new Node("orders-h", "10.0.0.4:8080", Map.of(Node.WEIGHT, "300"));
    memory.register(Service.of("orders", "1.0", heavy).withNodes(List.of(heavy, A)), Duration.ZERO);
    SelectOptions options = new SelectOptions(List.of(), Strategies.weighted());

    assertThat(count(400, options))
        .containsOnly(Map.entry("orders-h", 300), Map.entry("orders-a", 100));
  }

  @Test
  void versionLabelAndEndpointFiltersNarrowTheCandidates() {
    registerThreeNodes();
    memory.register(
        new Service("payments", "1.0", Map.of(), List.of(new Endpoint("Pay.Charge")), List.of(A)),
        Duration.ZERO);

    assertThat(count(10, SelectOptions.of(Filters.version("2.0"))).keySet())
        .containsExactly("orders-c");
    assertThat(count(10, SelectOptions.of(Filters.label("zone", "eu"))).keySet())
        .containsExactlyInAnyOrder("orders-a", "orders-b");
    assertThat(selector.select("payments", SelectOptions.of(Filters.endpoint("Pay.Charge"))))
        .isEqualTo(A);
  }

  @Test
  void noMatchingNodeIsA503NamingTheServiceAndTheFilters() {
    registerThreeNodes();

    FrameworkException e =
        selectError(
            () ->
                selector.select(
                    "orders",
                    SelectOptions.of(Filters.version("2.0"), Filters.label("zone", "eu"))));

    assertThat(e.code()).isEqualTo(FrameworkException.UNAVAILABLE);
    assertThat(e.id()).isEqualTo("selector");
    assertThat(e.detail())
        .isEqualTo(
            "no node of service \"orders\" matches version=2.0, label zone=eu (3 nodes known)");
  }

  @Test
  void unknownServiceIsA503SayingTheRegistryDoesNotKnowIt() {
    registerThreeNodes();

    FrameworkException e =
        selectError(() -> selector.select("payments", SelectOptions.of(Filters.version("1.0"))));

    assertThat(e.code()).isEqualTo(FrameworkException.UNAVAILABLE);
    assertThat(e.id()).isEqualTo("selector");
    assertThat(e.detail())
        .isEqualTo("no node of service \"payments\": the service is unknown to registry failing");
  }

  @Test
  void aServiceRegisteredAfterAnUnknownLookupIsFound() {
    assertThatThrownBy(() -> selector.select("orders", SelectOptions.none()))
        .isInstanceOf(FrameworkException.class);
    EventRecorder seen = new EventRecorder();
    memory.watch("orders", seen);

    registerThreeNodes();
    seen.next();
    seen.next();

    assertThat(picked(3)).hasSize(3);
  }

  @Test
  void failedNodeIsSkippedUntilItsBackOffEnds() {
    registerThreeNodes();
    selector.mark("orders", B, REFUSED);

    assertThat(picked(30)).containsExactlyInAnyOrder("orders-a", "orders-c");

    clock.advance(Duration.ofSeconds(1));
    assertThat(picked(30)).contains("orders-b");
  }

  @Test
  void aNodeWhoseBackOffEndedGetsOneProbeCallUntilItsOutcomeIsReported() {
    registerThreeNodes();
    selector.mark("orders", B, REFUSED);
    clock.advance(Duration.ofSeconds(1));

    assertThat(count(30, SelectOptions.none())).containsEntry("orders-b", 1);

    selector.mark("orders", B, null);
    assertThat(count(30, SelectOptions.none())).containsEntry("orders-b", 10);
  }

  @Test
  void anUnreportedProbeIsRepeatedOneBackOffLater() {
    registerThreeNodes();
    selector.mark("orders", B, REFUSED);
    clock.advance(Duration.ofSeconds(1));
    assertThat(count(30, SelectOptions.none())).containsEntry("orders-b", 1);

    clock.advance(Duration.ofSeconds(1));

    assertThat(count(30, SelectOptions.none())).containsEntry("orders-b", 1);
  }

  @Test
  void consecutiveFailuresDoubleTheBackOff() {
    registerThreeNodes();
    selector.mark("orders", B, REFUSED);
    clock.advance(Duration.ofSeconds(1));
    // The probe after the first back-off fails too: now skipped for 2 s.
    selector.mark("orders", B, REFUSED);

    clock.advance(Duration.ofMillis(1999));
    assertThat(picked(30)).doesNotContain("orders-b");
    clock.advance(Duration.ofMillis(1));
    assertThat(picked(30)).contains("orders-b");
  }

  @Test
  void backOffDoublesFromBaseAndStopsAtMax() {
    assertThat(List.of(1, 2, 3, 4, 5, 6, 7, 40).stream().map(selector::backoff))
        .extracting(Duration::getSeconds)
        .containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L);
  }

  @Test
  void successReadmitsAFailedNodeAtOnce() {
    registerThreeNodes();
    selector.mark("orders", B, REFUSED);
    selector.mark("orders", B, REFUSED);

    selector.mark("orders", B, null);

    assertThat(picked(30)).contains("orders-b");
    // The failure count restarted: one more failure backs off for the base 1 s only.
    selector.mark("orders", B, REFUSED);
    clock.advance(Duration.ofSeconds(1));
    assertThat(picked(30)).contains("orders-b");
  }

  @Test
  void whenEveryNodeIsBackedOffTheOneEndingSoonestIsTried() {
    registerThreeNodes();
    selector.mark("orders", A, REFUSED);
    selector.mark("orders", A, REFUSED);
    selector.mark("orders", C, REFUSED);
    selector.mark("orders", C, REFUSED);
    clock.advance(Duration.ofMillis(500));
    selector.mark("orders", B, REFUSED);

    // A and C are skipped until 2 s, B until 1.5 s.
    assertThat(selector.select("orders", SelectOptions.none())).isEqualTo(B);
  }

  @Test
  void watchEventsAddAndRemoveNodesWithoutAnotherLookup() {
    memory.register(Service.of("orders", "1.0", A), Duration.ZERO);
    selector.select("orders", SelectOptions.none());
    // Opened after the selector's watch: once it sees an event, the selector has applied it.
    EventRecorder seen = new EventRecorder();
    memory.watch("orders", seen);

    memory.register(Service.of("orders", "1.0", B), Duration.ZERO);
    seen.next();
    assertThat(picked(10)).containsExactlyInAnyOrder("orders-a", "orders-b");

    memory.deregister(Service.of("orders", "1.0", A));
    seen.next();
    assertThat(picked(10)).containsExactly("orders-b");

    assertThat(registry.getServiceCalls()).isEqualTo(1);
  }

  @Test
  void keepsTheCachedNodesWhenTheRegistryFails() {
    // Without a watch the selector looks the service up on every call.
    registry.failWatches(true);
    registerThreeNodes();
    assertThat(picked(3)).hasSize(3);
    int lookups = registry.getServiceCalls();

    registry.failing(true);

    assertThat(picked(3)).hasSize(3);
    assertThat(registry.getServiceCalls()).isGreaterThan(lookups);
  }

  @Test
  void registryFailureWithNothingCachedIsA503() {
    registry.failing(true);

    FrameworkException e = selectError(() -> selector.select("orders", SelectOptions.none()));

    assertThat(e.code()).isEqualTo(FrameworkException.UNAVAILABLE);
    assertThat(e.detail())
        .isEqualTo(
            "no node of service \"orders\": registry failing failed and none is cached"
                + " (registry unreachable (test))");
  }

  @Test
  void resetForgetsCachedNodesAndFailureMarks() {
    registerThreeNodes();
    selector.select("orders", SelectOptions.none());
    selector.mark("orders", B, REFUSED);

    selector.reset("orders");

    assertThat(picked(3)).contains("orders-b");
    assertThat(registry.getServiceCalls()).isEqualTo(2);
    assertThat(registry.openWatches()).isEqualTo(1);
  }

  @Test
  void closeStopsTheWatches() {
    registerThreeNodes();
    memory.register(Service.of("payments", "1.0", A), Duration.ZERO);
    selector.select("orders", SelectOptions.none());
    selector.select("payments", SelectOptions.none());
    assertThat(registry.openWatches()).isEqualTo(2);

    selector.close();

    assertThat(registry.openWatches()).isZero();
    assertThatThrownBy(() -> selector.select("orders", SelectOptions.none()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void validatesItsConfiguration() {
    assertThat(selector.name()).isEqualTo("default");
    assertThatThrownBy(() -> DefaultSelector.builder(memory).backoffBase(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("backoffBase: PT0S (expected: > 0)");
    assertThatThrownBy(
            () -> DefaultSelector.builder(memory).backoffMax(Duration.ofMillis(500)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("backoffMax: PT0.5S (expected: >= backoffBase PT1S)");
  }
}
