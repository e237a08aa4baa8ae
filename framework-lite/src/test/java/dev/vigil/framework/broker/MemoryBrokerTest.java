package dev.vigil.framework.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.framework.broker.internal.DropLog;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MemoryBrokerTest extends BrokerConformanceTest {
  private final MemoryBroker broker = MemoryBroker.builder().metrics(metrics).build();

  @AfterEach
  void close() {
    broker.close();
  }

  @Override
  protected String brokerName() {
    return "memory";
  }

  @Override
  protected Broker publisher() {
    return broker;
  }

  @Override
  protected Broker subscriber(int index) {
    return broker;
  }

  @Test
  void queueGroupMembersTakeTurns() {
    String topic = uniqueTopic("turns");
    List<String> seen = new CopyOnWriteArrayList<>();
    broker.subscribe(topic, "g", (t, m) -> seen.add("a"));
    broker.subscribe(topic, "g", (t, m) -> seen.add("b"));
    for (int i = 0; i < 10; i++) {
      broker.publish(topic, message("m" + i));
    }
    Eventually.await("10 deliveries", () -> seen.size() == 10);
    assertThat(seen.stream().filter("a"::equals).count()).isEqualTo(5);
  }

  @Test
  void countsDeliveriesAsDroppedInsteadOfBlockingWhenTheQueueIsFull() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<String> handled = new CopyOnWriteArrayList<>();
    try (MemoryBroker small =
        MemoryBroker.builder().metrics(metrics).workers(1).queueCapacity(2).build()) {
      String topic = uniqueTopic("full");
      small.subscribe(
          topic,
          null,
          (t, m) -> {
            release.await(10, TimeUnit.SECONDS);
            handled.add(text(m));
          });
      for (int i = 0; i < 10; i++) {
        small.publish(topic, message("m" + i)); // returns at once although the handler is stuck
      }
      // one delivery running, two queued, seven refused
      assertThat(counters().dropped(topic, DropLog.QUEUE_FULL)).isEqualTo(7);
      assertThat(counters().published(topic)).isEqualTo(10);
      release.countDown();
      Eventually.await("the queued messages", () -> handled.size() == 3);
    }
  }

  @Test
  void closeCountsDeliveriesItCouldNotFinishAsDropped() {
    CountDownLatch never = new CountDownLatch(1);
    MemoryBroker small = MemoryBroker.builder().metrics(metrics).workers(1).build();
    String topic = uniqueTopic("closing");
    small.subscribe(topic, null, (t, m) -> never.await()); // stuck until interrupted
    for (int i = 0; i < 3; i++) {
      small.publish(topic, message("m" + i));
    }

    small.close(); // one delivery running, two queued

    assertThat(counters().dropped(topic, DropLog.CLOSED)).isEqualTo(3);
    assertThat(counters().retries(topic)).isZero();
  }

  @Test
  void aHandlerRejectingTheMessageIsNotRetried() {
    String topic = uniqueTopic("reject");
    List<String> calls = new CopyOnWriteArrayList<>();
    broker.subscribe(
        topic,
        null,
        (t, m) -> {
          calls.add(text(m));
          throw dev.vigil.framework.errors.FrameworkException.badRequest("test", "malformed");
        });
    broker.publish(topic, message("bad"));
    Eventually.await("the drop", () -> counters().dropped(topic, DropLog.REJECTED) == 1);
    assertThat(calls).hasSize(1);
    assertThat(counters().retries(topic)).isZero();
  }

  @Test
  void aClosedBrokerRefusesToPublish() {
    broker.close();
    assertThatThrownBy(() -> broker.publish("orders", message("x")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void invalidConfigurationFailsAtBuild() {
    assertThatThrownBy(() -> MemoryBroker.builder().queueCapacity(0).build())
        .hasMessage("queueCapacity: 0 (expected: > 0)");
    assertThatThrownBy(() -> MemoryBroker.builder().maxAttempts(-1).build())
        .hasMessage("maxAttempts: -1 (expected: > 0)");
  }
}
