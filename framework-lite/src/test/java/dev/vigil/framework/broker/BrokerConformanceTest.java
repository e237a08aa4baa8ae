package dev.vigil.framework.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.framework.Metadata;
import dev.vigil.framework.metrics.FrameworkMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Broker} shares; each implementation's test extends this class. All
 * brokers of one test count into the same {@link #metrics}, so the assertions also prove that a
 * message is counted once, wherever the broker counts it.
 */
public abstract class BrokerConformanceTest {
  protected static final String TRACEPARENT =
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  protected static final String TRACESTATE = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";

  protected final FrameworkMetrics metrics = new FrameworkMetrics();

  /** The plugin name the broker counts under. */
  protected abstract String brokerName();

  /** The broker messages are published on. */
  protected abstract Broker publisher();

  /**
   * The broker of subscriber process {@code index}; distinct instances for brokers that cross
   * process boundaries, the publisher itself for in-process brokers.
   */
  protected abstract Broker subscriber(int index);

  protected final BrokerCounters counters() {
    return new BrokerCounters(metrics, brokerName());
  }

  protected final String uniqueTopic(String name) {
    return "vigil.test." + name + "." + UUID.randomUUID().toString().substring(0, 8);
  }

  protected static BrokerMessage message(String body) {
    return new BrokerMessage(
        Metadata.of(BrokerMessage.CONTENT_TYPE, "text/plain")
            .with(Metadata.TRACEPARENT, TRACEPARENT),
        body.getBytes(StandardCharsets.UTF_8));
  }

  protected static String text(BrokerMessage message) {
    return new String(message.body(), StandardCharsets.UTF_8);
  }

  @Test
  void deliversBodyAndHeadersByteIdentical() {
    String topic = uniqueTopic("roundtrip");
    List<BrokerMessage> received = new CopyOnWriteArrayList<>();
    subscriber(0).subscribe(topic, null, (t, m) -> received.add(m));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(Metadata.TRACEPARENT, TRACEPARENT);
    headers.put(Metadata.TRACESTATE, TRACESTATE);
    headers.put(BrokerMessage.CONTENT_TYPE, "application/json; charset=utf-8");
    headers.put("x-padded", "  spaces and\ttab  ");
    headers.put("x-unicode", "caf\u00e9 \u2603");
    headers.put("x-empty", "");
    headers.put("user-agent", "vigil-test/1");
    byte[] body = new byte[256];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) i;
    }
    BrokerMessage sent = new BrokerMessage(Metadata.of(headers), body);

    publisher().publish(topic, sent);

    Eventually.await("the message", () -> received.size() == 1);
    BrokerMessage got = received.get(0);
    assertThat(got.headers().asMap()).containsExactlyInAnyOrderEntriesOf(sent.headers().asMap());
    assertThat(got.headers().getOrNull(Metadata.TRACEPARENT)).isEqualTo(TRACEPARENT);
    assertThat(got.body()).isEqualTo(body);
    assertThat(counters().published(topic)).isEqualTo(1);
    Eventually.await("the delivered count", () -> counters().delivered(topic) == 1);
  }

  @Test
  void deliversAnEmptyMessageWithoutHeaders() {
    String topic = uniqueTopic("empty");
    List<BrokerMessage> received = new CopyOnWriteArrayList<>();
    subscriber(0).subscribe(topic, null, (t, m) -> received.add(m));

    publisher().publish(topic, new BrokerMessage(Metadata.empty(), new byte[0]));

    Eventually.await("the message", () -> received.size() == 1);
    assertThat(received.get(0).headers().isEmpty()).isTrue();
    assertThat(received.get(0).body()).isEmpty();
  }

  @Test
  void queueGroupsSplitMessagesWhilePlainSubscribersGetEveryMessage() {
    String topic = uniqueTopic("groups");
    Map<String, List<String>> byMember = new ConcurrentHashMap<>();
    AtomicInteger total = new AtomicInteger();
    String[][] members = {
      {"billing", "billing-1", "0"},
      {"billing", "billing-2", "1"},
      {"audit", "audit-1", "0"},
      {"audit", "audit-2", "1"},
      {null, "plain", "0"}
    };
    for (String[] m : members) {
      byMember.put(m[1], new CopyOnWriteArrayList<>());
      subscriber(Integer.parseInt(m[2]))
          .subscribe(
              topic,
              m[0],
              (t, msg) -> {
                byMember.get(m[1]).add(text(msg));
                total.incrementAndGet();
              });
    }
    int n = 40;
    for (int i = 0; i < n; i++) {
      publisher().publish(topic, message("m" + i));
    }

    Eventually.await("3 deliveries per message", () -> total.get() >= 3 * n);
    settle();
    assertThat(total.get()).isEqualTo(3 * n);
    List<String> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add("m" + i);
    }
    assertThat(concat(byMember.get("billing-1"), byMember.get("billing-2")))
        .containsExactlyInAnyOrderElementsOf(all);
    assertThat(concat(byMember.get("audit-1"), byMember.get("audit-2")))
        .containsExactlyInAnyOrderElementsOf(all);
    assertThat(byMember.get("plain")).containsExactlyInAnyOrderElementsOf(all);
    for (String member : List.of("billing-1", "billing-2", "audit-1", "audit-2")) {
      assertThat(byMember.get(member)).as(member + " shares the load").isNotEmpty();
    }
    assertThat(counters().published(topic)).isEqualTo(n);
    Eventually.await("delivered count", () -> counters().delivered(topic) == 3L * n);
    assertThat(counters().dropped(topic)).isZero();
  }

  @Test
  void retriesAFailingHandlerUntilItSucceeds() {
    String topic = uniqueTopic("retry");
    AtomicInteger attempts = new AtomicInteger();
    List<String> handled = new CopyOnWriteArrayList<>();
    subscriber(0)
        .subscribe(
            topic,
            null,
            (t, m) -> {
              if (attempts.incrementAndGet() <= 2) {
                throw new IllegalStateException("not yet");
              }
              handled.add(text(m));
            });

    publisher().publish(topic, message("once"));

    Eventually.await("the third attempt", () -> handled.size() == 1);
    assertThat(handled).containsExactly("once");
    assertThat(attempts.get()).isEqualTo(3);
    Eventually.await("delivered count", () -> counters().delivered(topic) == 1);
    assertThat(counters().retries(topic)).isEqualTo(2);
    assertThat(counters().dropped(topic)).isZero();
  }

  @Test
  void countsAMessageAsDroppedWhenTheHandlerKeepsFailing() {
    String topic = uniqueTopic("poison");
    AtomicInteger attempts = new AtomicInteger();
    subscriber(0)
        .subscribe(
            topic,
            null,
            (t, m) -> {
              attempts.incrementAndGet();
              throw new IllegalStateException("always fails");
            });

    publisher().publish(topic, message("poison"));

    Eventually.await("the drop", () -> counters().dropped(topic) == 1);
    assertThat(attempts.get()).isEqualTo(3);
    assertThat(counters().retries(topic)).isEqualTo(2);
    assertThat(counters().delivered(topic)).isZero();
    settle();
    assertThat(attempts.get()).isEqualTo(3);
  }

  @Test
  void unsubscribeStopsDelivery() {
    String topic = uniqueTopic("unsubscribe");
    List<String> leaving = new CopyOnWriteArrayList<>();
    List<String> staying = new CopyOnWriteArrayList<>();
    Subscription subscription =
        subscriber(0).subscribe(topic, null, (t, m) -> leaving.add(text(m)));
    subscriber(1).subscribe(topic, null, (t, m) -> staying.add(text(m)));
    publisher().publish(topic, message("first"));
    Eventually.await("first message", () -> leaving.size() == 1 && staying.size() == 1);

    subscription.unsubscribe();
    subscription.unsubscribe(); // idempotent
    publishUntilReceived(topic, "second", staying);

    assertThat(leaving).containsExactly("first");
  }

  @Test
  void aHandlerCanUnsubscribeItself() {
    String topic = uniqueTopic("self");
    List<String> received = new CopyOnWriteArrayList<>();
    List<String> sentinel = new CopyOnWriteArrayList<>();
    Subscription[] self = new Subscription[1];
    self[0] =
        subscriber(0)
            .subscribe(
                topic,
                null,
                (t, m) -> {
                  received.add(text(m));
                  self[0].unsubscribe();
                });
    subscriber(1).subscribe(topic, null, (t, m) -> sentinel.add(text(m)));
    publisher().publish(topic, message("first"));
    Eventually.await("first message", () -> received.size() == 1 && sentinel.size() == 1);

    publishUntilReceived(topic, "second", sentinel);

    assertThat(received).containsExactly("first");
    Eventually.await("the delivered count", () -> counters().delivered(topic) == 3);
  }

  /**
   * Publishes until {@code receiver} has the message: brokers whose subscriptions propagate
   * asynchronously (a registry, a server round trip) may need more than one try.
   */
  protected void publishUntilReceived(String topic, String body, List<String> receiver) {
    publisher().publish(topic, message(body));
    Eventually.await(body, () -> receiver.contains(body));
  }

  @Test
  void rejectsInvalidTopicNamesNamingTheTopic() {
    for (String bad : List.of("has space", "orders.*", "orders.>", "", "a..b", ".a", "a/b")) {
      assertThatThrownBy(() -> publisher().publish(bad, message("x")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("topic: \"" + bad + "\"");
      assertThatThrownBy(() -> subscriber(0).subscribe(bad, null, (t, m) -> {}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("topic: \"" + bad + "\"");
    }
    assertThatThrownBy(() -> subscriber(0).subscribe("ok", "bad queue", (t, m) -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queue: \"bad queue\"");
  }

  /** Gives stray extra deliveries, which would be a bug, a chance to show up. */
  protected static void settle() {
    try {
      Thread.sleep(Duration.ofMillis(200).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
