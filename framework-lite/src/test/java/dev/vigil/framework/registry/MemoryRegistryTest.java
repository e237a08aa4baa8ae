package dev.vigil.framework.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoryRegistryTest {
  private static final Node A = new Node("orders-a", "10.0.0.1:8080");
  private static final Node B = new Node("orders-b", "10.0.0.2:8080");

  private final MutableClock clock = new MutableClock();
  // A sweep interval longer than any test: expiry is driven by the clock and reads.
  private final MemoryRegistry registry = new MemoryRegistry(clock, Duration.ofHours(1));

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void registeredNodesAreFoundByServiceNameAndVersion() {
    registry.register(Service.of("orders", "1.0", A), Duration.ZERO);
    registry.register(Service.of("orders", "1.0", B), Duration.ZERO);
    registry.register(
        Service.of("orders", "2.0", new Node("orders-c", "10.0.0.3:8080")), Duration.ZERO);

    List<Service> versions = registry.getService("orders");

    assertThat(versions).extracting(Service::version).containsExactly("1.0", "2.0");
    assertThat(versions.get(0).nodes()).containsExactly(A, B);
    assertThat(registry.getService("payments")).isEmpty();
  }

  @Test
  void listServicesReturnsOneEntryPerVersionSortedByName() {
    registry.register(Service.of("payments", "1.0", B), Duration.ZERO);
    registry.register(Service.of("orders", "2.0", A), Duration.ZERO);
    registry.register(Service.of("orders", "1.0", A), Duration.ZERO);

    assertThat(registry.listServices())
        .extracting(s -> s.name() + "@" + s.version())
        .containsExactly("orders@1.0", "orders@2.0", "payments@1.0");
  }

  @Test
  void deregisteringTheLastNodeRemovesTheVersion() {
    registry.register(Service.of("orders", "1.0", A), Duration.ZERO);
    registry.register(Service.of("orders", "1.0", B), Duration.ZERO);

    registry.deregister(Service.of("orders", "1.0", A));
    assertThat(registry.getService("orders").get(0).nodes()).containsExactly(B);

    registry.deregister(Service.of("orders", "1.0", B));
    assertThat(registry.getService("orders")).isEmpty();
    assertThat(registry.listServices()).isEmpty();
  }

  @Test
  void nodesExpireWhenTheirTtlPassesWithoutAHeartbeat() {
    registry.register(Service.of("orders", "1.0", A), Duration.ofSeconds(10));
    registry.register(Service.of("orders", "1.0", B), Duration.ZERO);

    clock.advance(Duration.ofSeconds(9));
    assertThat(registry.getService("orders").get(0).nodes()).containsExactly(A, B);

    clock.advance(Duration.ofSeconds(1));
    assertThat(registry.getService("orders").get(0).nodes()).containsExactly(B);
  }

  @Test
  void heartbeatRenewsTheTtl() {
    registry.register(Service.of("orders", "1.0", A), Duration.ofSeconds(10));
    clock.advance(Duration.ofSeconds(8));
    registry.register(Service.of("orders", "1.0", A), Duration.ofSeconds(10));
    clock.advance(Duration.ofSeconds(8));

    assertThat(registry.getService("orders").get(0).nodes()).containsExactly(A);

    clock.advance(Duration.ofSeconds(2));
    assertThat(registry.getService("orders")).isEmpty();
  }

  @Test
  void watchSeesCreateUpdateAndDeleteInOrder() {
    EventRecorder events = new EventRecorder();
    registry.watch("orders", events);

    registry.register(Service.of("orders", "1.0", A), Duration.ZERO);
    registry.register(Service.of("orders", "1.0", B), Duration.ZERO);
    registry.deregister(Service.of("orders", "1.0", A));
    registry.deregister(Service.of("orders", "1.0", B));

    Event created = events.next();
    assertThat(created.type()).isEqualTo(Event.Type.CREATE);
    assertThat(created.service().nodes()).containsExactly(A);
    Event added = events.next();
    assertThat(added.type()).isEqualTo(Event.Type.UPDATE);
    assertThat(added.service().nodes()).containsExactly(A, B);
    Event removed = events.next();
    assertThat(removed.type()).isEqualTo(Event.Type.UPDATE);
    assertThat(removed.service().nodes()).containsExactly(B);
    Event deleted = events.next();
    assertThat(deleted.type()).isEqualTo(Event.Type.DELETE);
    assertThat(deleted.service().nodes()).containsExactly(B);
  }

  @Test
  void heartbeatWithUnchangedNodeProducesNoEvent() {
    EventRecorder events = new EventRecorder();
    registry.watch(null, events);
    registry.register(Service.of("orders", "1.0", A), Duration.ofSeconds(10));
    assertThat(events.next().type()).isEqualTo(Event.Type.CREATE);

    registry.register(Service.of("orders", "1.0", A), Duration.ofSeconds(10));
    // Events arrive in order, so the next one proves the heartbeat produced none.
    registry.register(Service.of("payments", "1.0", B), Duration.ZERO);

    assertThat(events.next().service().name()).isEqualTo("payments");
  }

  @Test
  void changedNodeMetadataIsAnUpdate() {
    EventRecorder events = new EventRecorder();
    registry.watch("orders", events);
    registry.register(Service.of("orders", "1.0", A), Duration.ZERO);
    Node reweighted = new Node(A.id(), A.address(), Map.of(Node.WEIGHT, "50"));

    registry.register(Service.of("orders", "1.0", reweighted), Duration.ZERO);

    events.next();
    Event update = events.next();
    assertThat(update.type()).isEqualTo(Event.Type.UPDATE);
    assertThat(update.service().nodes()).containsExactly(reweighted);
  }

  @Test
  void expiryOfTheLastNodeIsADeleteEvent() {
    EventRecorder events = new EventRecorder();
    registry.watch("orders", events);
    registry.register(Service.of("orders", "1.0", A), Duration.ofSeconds(10));
    events.next();

    clock.advance(Duration.ofSeconds(10));
    registry.expire();

    Event deleted = events.next();
    assertThat(deleted.type()).isEqualTo(Event.Type.DELETE);
    assertThat(deleted.service().nodes()).containsExactly(A);
  }

  @Test
  void backgroundSweepExpiresNodesWithoutAnyRead() {
    try (MemoryRegistry fast = new MemoryRegistry(clock, Duration.ofMillis(5))) {
      EventRecorder events = new EventRecorder();
      fast.watch("orders", events);
      fast.register(Service.of("orders", "1.0", A), Duration.ofSeconds(10));
      events.next();

      clock.advance(Duration.ofSeconds(11));

      assertThat(events.next().type()).isEqualTo(Event.Type.DELETE);
    }
  }

  @Test
  void concurrentChangesReachWatchersInTheOrderTheyHappened() throws Exception {
    AtomicReference<List<Service>> replayed = new AtomicReference<>(List.of());
    CountDownLatch done = new CountDownLatch(1);
    registry.watch(
        null,
        e -> {
          if (e.service().name().equals("done")) {
            done.countDown();
          } else {
            replayed.set(e.applyTo(replayed.get()));
          }
        });
    ExecutorService writers = Executors.newFixedThreadPool(4);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int writer = t;
      futures.add(
          writers.submit(
              () -> {
                for (int i = 0; i < 500; i++) {
                  Node node = new Node("n" + writer + "-" + (i % 5), "10.0.0." + writer + ":1");
                  if (i % 3 == 2) {
                    registry.deregister(Service.of("orders", "1.0", node));
                  } else {
                    registry.register(Service.of("orders", "1.0", node), Duration.ZERO);
                  }
                }
              }));
    }
    for (Future<?> f : futures) {
      f.get(30, TimeUnit.SECONDS);
    }
    writers.shutdown();
    registry.register(Service.of("done", "1.0", A), Duration.ZERO);
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(replayed.get()).isEqualTo(registry.getService("orders"));
  }

  @Test
  void closingOneWatchLeavesAnotherWithTheSameListener() {
    EventRecorder events = new EventRecorder();
    Watch first = registry.watch("orders", events);
    registry.watch("orders", events);
    first.close();
    first.close();

    registry.register(Service.of("orders", "1.0", A), Duration.ZERO);

    assertThat(events.next().type()).isEqualTo(Event.Type.CREATE);
  }

  @Test
  void rejectsNegativeTtlAndEmptyNodeList() {
    assertThatThrownBy(
            () -> registry.register(Service.of("orders", "1.0", A), Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl: PT-1S (expected: >= 0)");
    assertThatThrownBy(
            () ->
                registry.register(
                    Service.of("orders", "1.0", A).withNodes(List.of()), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nodes of orders 1.0: [] (expected: >= 1 node)");
  }
}
