package dev.vigil.framework.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vigil.framework.errors.FrameworkException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class CachingRegistryTest {
  private static final Node A = new Node("orders-a", "10.0.0.1:8080");
  private static final Node B = new Node("orders-b", "10.0.0.2:8080");
  private static final Duration TTL = Duration.ofSeconds(30);
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final MutableClock clock = new MutableClock();
  private final MemoryRegistry memory = new MemoryRegistry();
  private final FailingRegistry backing = new FailingRegistry(memory);
  private final CachingRegistry cache =
      CachingRegistry.builder(backing).ttl(TTL).retryInterval(RETRY).clock(clock).build();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(CachingRegistry.class);

  @BeforeEach
  void captureLogs() {
    logger.setLevel(Level.INFO);
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void close() {
    logger.detachAppender(logs);
    logger.setLevel(null);
    cache.close();
  }

  @Test
  void readsWithinTheTtlAreServedFromMemory() {
    memory.register(Service.of("orders", "1.0", A), Duration.ZERO);

    assertThat(cache.getService("orders").get(0).nodes()).containsExactly(A);
    clock.advance(TTL.minusSeconds(1));
    assertThat(cache.getService("orders").get(0).nodes()).containsExactly(A);

    assertThat(backing.getServiceCalls()).isEqualTo(1);
  }

  @Test
  void anExpiredEntryIsReadAgainFromTheBackingRegistry() {
    memory.register(Service.of("orders", "1.0", A), Duration.ZERO);
    cache.getService("orders");

    clock.advance(TTL);
    cache.getService("orders");

    assertThat(backing.getServiceCalls()).isEqualTo(2);
    assertThat(cache.staleReads()).isZero();
  }

  @Test
  void watchEventsKeepTheCachedNodesCurrent() {
    memory.register(Service.of("orders", "1.0", A), Duration.ZERO);
    cache.getService("orders");
    // Opened after the cache's watch: once it sees an event, the cache has applied it.
    EventRecorder seen = new EventRecorder();
    memory.watch("orders", seen);

    memory.register(Service.of("orders", "1.0", B), Duration.ZERO);
    seen.next();
    assertThat(cache.getService("orders").get(0).nodes()).containsExactly(A, B);

    memory.deregister(Service.of("orders", "1.0", A));
    memory.deregister(Service.of("orders", "1.0", B));
    seen.next();
    seen.next();
    assertThat(cache.getService("orders")).isEmpty();

    assertThat(backing.getServiceCalls()).isEqualTo(1);
  }

  @Test
  void servesTheLastKnownNodesWhileTheBackingRegistryIsDown() {
    memory.register(Service.of("orders", "1.0", A), Duration.ZERO);
    cache.getService("orders");
    clock.advance(TTL);
    backing.failing(true);

    assertThat(cache.getService("orders").get(0).nodes()).containsExactly(A);
    assertThat(cache.getService("orders").get(0).nodes()).containsExactly(A);

    assertThat(cache.staleReads()).isEqualTo(2);
    // The second read came from memory: the backing is retried only after the retry interval.
    assertThat(backing.getServiceCalls()).isEqualTo(2);
    clock.advance(RETRY);
    cache.getService("orders");
    assertThat(backing.getServiceCalls()).isEqualTo(3);
    assertThat(cache.staleReads()).isEqualTo(3);
  }

  @Test
  void recoversFreshNodesWhenTheBackingRegistryAnswersAgain() {
    memory.register(Service.of("orders", "1.0", A), Duration.ZERO);
    cache.getService("orders");
    clock.advance(TTL);
    backing.failing(true);
    cache.getService("orders");

    backing.failing(false);
    memory.register(Service.of("orders", "1.0", B), Duration.ZERO);
    clock.advance(RETRY);

    assertThat(cache.getService("orders").get(0).nodes()).containsExactly(A, B);
    assertThat(cache.staleReads()).isEqualTo(1);
  }

  @Test
  void logsAnOutageOnceWhenItStartsAndOnceWhenItEnds() {
    memory.register(Service.of("orders", "1.0", A), Duration.ZERO);
    memory.register(Service.of("payments", "1.0", B), Duration.ZERO);
    cache.getService("orders");
    cache.getService("payments");
    clock.advance(TTL);
    backing.failing(true);

    for (int i = 0; i < 5; i++) {
      cache.getService("orders");
      cache.getService("payments");
      clock.advance(RETRY);
    }
    backing.failing(false);
    cache.getService("orders");
    cache.getService("payments");

    assertThat(logs.list)
        .extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage)
        .containsExactly(
            tuple(
                Level.WARN,
                "registry failing failed to look up orders; serving the last known nodes until it"
                    + " answers again"),
            tuple(
                Level.INFO,
                "registry failing answers again; 10 lookup(s) were served from the cache"
                    + " meanwhile"));
  }

  @Test
  void aLookupWithNothingCachedPropagatesTheFailure() {
    backing.failing(true);

    assertThatThrownBy(() -> cache.getService("orders"))
        .isInstanceOf(FrameworkException.class)
        .hasMessageContaining("registry unreachable");
    assertThat(cache.staleReads()).isZero();
  }

  @Test
  void servesTheLastServiceListWhileTheBackingRegistryIsDown() {
    memory.register(Service.of("orders", "1.0", A), Duration.ZERO);
    List<Service> before = cache.listServices();
    clock.advance(TTL);
    backing.failing(true);

    assertThat(cache.listServices()).isEqualTo(before);
    assertThat(cache.staleReads()).isEqualTo(1);
  }

  @Test
  void registerAndDeregisterPassThroughAndTheirFailuresReachTheCaller() {
    cache.register(Service.of("orders", "1.0", A), Duration.ZERO);
    assertThat(memory.getService("orders")).hasSize(1);
    cache.deregister(Service.of("orders", "1.0", A));
    assertThat(memory.getService("orders")).isEmpty();

    backing.failing(true);
    assertThatThrownBy(() -> cache.register(Service.of("orders", "1.0", A), Duration.ZERO))
        .isInstanceOf(FrameworkException.class);
    assertThatThrownBy(() -> cache.deregister(Service.of("orders", "1.0", A)))
        .isInstanceOf(FrameworkException.class);
  }

  @Test
  void watchPassesThrough() {
    EventRecorder events = new EventRecorder();
    cache.watch("orders", events);

    memory.register(Service.of("orders", "1.0", A), Duration.ZERO);

    assertThat(events.next().type()).isEqualTo(Event.Type.CREATE);
  }

  @Test
  void isNamedCacheAndValidatesItsConfiguration() {
    assertThat(cache.name()).isEqualTo("cache");
    assertThatThrownBy(() -> CachingRegistry.builder(memory).ttl(Duration.ofSeconds(-1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ttl: PT-1S (expected: >= 0)");
    assertThatThrownBy(
            () -> CachingRegistry.builder(memory).retryInterval(Duration.ofSeconds(-2)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retryInterval: PT-2S (expected: >= 0)");
  }
}
