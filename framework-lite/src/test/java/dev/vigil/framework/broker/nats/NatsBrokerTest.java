package dev.vigil.framework.broker.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.framework.broker.Broker;
import dev.vigil.framework.broker.BrokerConformanceTest;
import dev.vigil.framework.broker.Eventually;
import dev.vigil.framework.broker.internal.DropLog;
import dev.vigil.framework.errors.FrameworkException;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs against the real NATS server on 127.0.0.1:4222 ({@code bin/ensure-services}). */
class NatsBrokerTest extends BrokerConformanceTest {
  private final List<NatsBroker> opened = new ArrayList<>();
  private final Map<Integer, NatsBroker> subscribers = new HashMap<>();
  private NatsBroker publisher;

  private NatsBroker open(String name) {
    NatsBroker broker = NatsBroker.builder().metrics(metrics).connectionName(name).build();
    opened.add(broker);
    return broker;
  }

  @AfterEach
  void closeAll() {
    opened.forEach(NatsBroker::close);
  }

  @Override
  protected String brokerName() {
    return "nats";
  }

  @Override
  protected Broker publisher() {
    if (publisher == null) {
      publisher = open("test-publisher");
    }
    return publisher;
  }

  @Override
  protected Broker subscriber(int index) {
    return subscribers.computeIfAbsent(index, i -> open("test-subscriber-" + i));
  }

  @Test
  void publishesMadeWhileDisconnectedAreBufferedAndSentOnReconnect() throws Exception {
    String topic = uniqueTopic("reconnect");
    List<String> received = new CopyOnWriteArrayList<>();
    subscriber(0).subscribe(topic, null, (t, m) -> received.add(text(m)));
    try (TcpProxy proxy = new TcpProxy(4222)) {
      NatsBroker flaky = viaProxy(proxy, NatsBroker.DEFAULT_RECONNECT_BUFFER_BYTES);
      flaky.publish(topic, message("before"));
      Eventually.await("before", () -> received.contains("before"));

      proxy.stop();
      Eventually.await("the disconnect", () -> flaky.status() != Connection.Status.CONNECTED);
      flaky.publish(topic, message("during")); // buffered, does not throw
      proxy.start();

      Eventually.await("the buffered message", () -> received.contains("during"));
      assertThat(counters().dropped(topic)).isZero();
    }
  }

  @Test
  void aPublishTheClientCannotBufferIsCountedAsDroppedAndFails() throws Exception {
    String topic = uniqueTopic("nobuffer");
    try (TcpProxy proxy = new TcpProxy(4222)) {
      NatsBroker flaky = viaProxy(proxy, 0);
      flaky.publish(topic, message("before"));
      proxy.stop();
      Eventually.await("the disconnect", () -> flaky.status() != Connection.Status.CONNECTED);

      assertThatThrownBy(() -> flaky.publish(topic, message("during")))
          .isInstanceOf(FrameworkException.class)
          .satisfies(e -> assertThat(((FrameworkException) e).code()).isEqualTo(503));
      assertThat(counters().dropped(topic, DropLog.DISCONNECTED)).isEqualTo(1);
    }
  }

  private NatsBroker viaProxy(TcpProxy proxy, long reconnectBufferBytes) {
    NatsBroker broker =
        NatsBroker.builder()
            .metrics(metrics)
            .url("nats://127.0.0.1:" + proxy.port())
            .reconnectWait(Duration.ofMillis(100))
            .reconnectBufferBytes(reconnectBufferBytes)
            .build();
    opened.add(broker);
    broker.connect();
    return broker;
  }

  @Test
  void failsFastWithUnavailableWhenNoServerListens() {
    try (NatsBroker broker =
        NatsBroker.builder()
            .metrics(metrics)
            .url("nats://127.0.0.1:1")
            .connectTimeout(Duration.ofMillis(500))
            .build()) {
      assertThatThrownBy(broker::connect)
          .isInstanceOf(FrameworkException.class)
          .satisfies(e -> assertThat(((FrameworkException) e).code()).isEqualTo(503))
          .hasMessageContaining("nats://127.0.0.1:1");
    }
  }

  @Test
  void invalidConfigurationFailsAtBuild() {
    assertThatThrownBy(() -> NatsBroker.builder().url("http://localhost:4222").build())
        .hasMessage(
            "url: \"http://localhost:4222\" (expected: nats://host:port or tls://host:port)");
    assertThatThrownBy(() -> NatsBroker.builder().maxPendingMessages(0).build())
        .hasMessage("maxPendingMessages: 0 (expected: > 0)");
  }
}
