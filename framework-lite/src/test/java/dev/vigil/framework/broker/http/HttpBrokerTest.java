package dev.vigil.framework.broker.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.framework.broker.Broker;
import dev.vigil.framework.broker.BrokerConformanceTest;
import dev.vigil.framework.broker.Eventually;
import dev.vigil.framework.broker.Subscription;
import dev.vigil.framework.broker.internal.DropLog;
import dev.vigil.framework.errors.FrameworkException;
import dev.vigil.framework.registry.MemoryRegistry;
import dev.vigil.framework.registry.Node;
import dev.vigil.framework.registry.Service;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Publisher and subscribers are separate {@link HttpBroker}s, like separate services, each with its
 * own server on a loopback port, sharing one {@link MemoryRegistry}.
 */
class HttpBrokerTest extends BrokerConformanceTest {
  private final MemoryRegistry registry = new MemoryRegistry();
  private final List<HttpBroker> opened = new ArrayList<>();
  private final Map<Integer, HttpBroker> subscribers = new HashMap<>();
  private HttpBroker publisher;

  private HttpBroker open(HttpBroker.Builder builder) {
    HttpBroker broker = builder.metrics(metrics).registry(registry).build();
    opened.add(broker);
    return broker;
  }

  private HttpBroker open() {
    return open(HttpBroker.builder().retryBackoff(Duration.ofMillis(10)));
  }

  @AfterEach
  void closeAll() {
    opened.forEach(HttpBroker::close);
    registry.close();
  }

  @Override
  protected String brokerName() {
    return "http";
  }

  @Override
  protected Broker publisher() {
    if (publisher == null) {
      publisher = open();
    }
    return publisher;
  }

  @Override
  protected Broker subscriber(int index) {
    return subscribers.computeIfAbsent(index, i -> open());
  }

  private List<Node> registeredNodes() {
    List<Node> nodes = new ArrayList<>();
    registry.getService(HttpBroker.DEFAULT_SERVICE_NAME).forEach(s -> nodes.addAll(s.nodes()));
    return nodes;
  }

  /** Registers a subscriber node that crashed: still in the registry, nothing listens. */
  private Node registerDeadSubscriber(String topic, String queue) throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Set<String> queues = new java.util.HashSet<>();
    queues.add(queue);
    Node node =
        new Node(
            "vigil.broker.http-dead",
            "127.0.0.1:" + port,
            SubscriberNodes.metadata(Map.of(topic, queues)));
    registry.register(
        Service.of(HttpBroker.DEFAULT_SERVICE_NAME, HttpBroker.VERSION, node), Duration.ZERO);
    return node;
  }

  @Test
  void registersOneNodePerSubscriberProcessNamingTopicsAndGroupsAndRemovesItOnClose() {
    HttpBroker a = open();
    HttpBroker b = open();
    a.subscribe("orders.created", null, (t, m) -> {});
    a.subscribe("orders.created", "billing", (t, m) -> {});
    a.subscribe("orders.paid", "billing", (t, m) -> {});
    b.subscribe("orders.created", "billing", (t, m) -> {});

    List<Node> nodes = registeredNodes();
    assertThat(nodes).hasSize(2);
    Node nodeA =
        nodes.stream().filter(n -> n.address().equals(a.address())).findFirst().orElseThrow();
    assertThat(nodeA.metadata())
        .containsEntry("broker", "http")
        .containsEntry("topic:orders.created", "broadcast,queue:billing")
        .containsEntry("topic:orders.paid", "queue:billing");
    assertThat(nodeA.address()).startsWith("127.0.0.1:");

    a.close();
    assertThat(registeredNodes()).extracting(Node::address).containsExactly(b.address());
    b.close();
    assertThat(registry.getService(HttpBroker.DEFAULT_SERVICE_NAME)).isEmpty();
  }

  @Test
  void heartbeatsKeepTheNodeRegisteredPastItsTtl() {
    HttpBroker a =
        open(
            HttpBroker.builder()
                .registerTtl(Duration.ofMillis(600))
                .registerInterval(Duration.ofMillis(150)));
    a.subscribe("orders.created", null, (t, m) -> {});
    long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
    while (System.nanoTime() < until) {
      assertThat(registeredNodes()).hasSize(1);
      settle();
    }
  }

  @Test
  void unsubscribingUpdatesTheRegistryAndTheLastOneDeregisters() {
    HttpBroker a = open();
    Subscription created = a.subscribe("orders.created", null, (t, m) -> {});
    Subscription paid = a.subscribe("orders.paid", "billing", (t, m) -> {});

    created.unsubscribe();
    assertThat(registeredNodes())
        .singleElement()
        .satisfies(
            n ->
                assertThat(n.metadata())
                    .doesNotContainKey("topic:orders.created")
                    .containsKey("topic:orders.paid"));
    paid.unsubscribe();
    assertThat(registeredNodes()).isEmpty();
  }

  @Test
  void aSubscriberThatIsDownIsRetriedThenCountedAsDropped() throws IOException {
    String topic = uniqueTopic("down");
    registerDeadSubscriber(topic, null);

    publisher().publish(topic, message("lost"));

    Eventually.await("the drop", () -> counters().dropped(topic, DropLog.UNREACHABLE) == 1);
    assertThat(counters().retries(topic)).isEqualTo(2);
    assertThat(counters().published(topic)).isEqualTo(1);
  }

  @Test
  void aQueueGroupMemberThatIsDownIsPassedOverForALiveOne() throws IOException {
    String topic = uniqueTopic("failover");
    registerDeadSubscriber(topic, "workers");
    List<String> handled = new CopyOnWriteArrayList<>();
    subscriber(0).subscribe(topic, "workers", (t, m) -> handled.add(text(m)));

    for (int i = 0; i < 6; i++) {
      publisher().publish(topic, message("m" + i));
    }

    Eventually.await("every message", () -> handled.size() == 6);
    assertThat(counters().dropped(topic)).isZero();
    assertThat(counters().retries(topic)).isEqualTo(3); // every second message tried the dead node
  }

  @Test
  void aBodyOverTheSubscribersLimitIsRejectedWithoutRetry() throws Exception {
    String topic = uniqueTopic("large");
    HttpBroker small = open(HttpBroker.builder().maxBodyBytes(1024));
    List<String> handled = new CopyOnWriteArrayList<>();
    small.subscribe(topic, null, (t, m) -> handled.add(text(m)));

    publisher().publish(topic, message("x".repeat(2048)));

    Eventually.await("the drop", () -> counters().dropped(topic, DropLog.REJECTED) == 1);
    assertThat(counters().retries(topic)).isZero();
    assertThat(handled).isEmpty();
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://" + small.address() + "/broker/" + topic))
                    .POST(HttpRequest.BodyPublishers.ofString("y".repeat(4096)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(413);
  }

  @Test
  void theSubscriberEndpointAnswers404ForATopicNobodySubscribesHere() throws Exception {
    HttpBroker a = open();
    a.subscribe("orders.created", null, (t, m) -> {});
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://" + a.address() + "/broker/orders.other"))
                    .POST(HttpRequest.BodyPublishers.ofString("x"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(404);
  }

  @Test
  void aHandlerRejectingTheMessageIsNotRetriedEvenWithNotFound() {
    String topic = uniqueTopic("reject");
    List<String> calls = new CopyOnWriteArrayList<>();
    subscriber(0)
        .subscribe(
            topic,
            "workers",
            (t, m) -> {
              calls.add(text(m));
              throw FrameworkException.notFound("orders", "no such order");
            });

    publisher().publish(topic, message("unknown order"));

    Eventually.await("the drop", () -> counters().dropped(topic, DropLog.REJECTED) == 1);
    assertThat(calls).hasSize(1);
    assertThat(counters().retries(topic)).isZero();
  }

  @Test
  void invalidConfigurationFailsAtBuild() {
    assertThatThrownBy(() -> HttpBroker.builder().build())
        .hasMessage("registry: null (expected: a Registry)");
    assertThatThrownBy(
            () ->
                HttpBroker.builder()
                    .registry(registry)
                    .registerTtl(Duration.ofSeconds(5))
                    .registerInterval(Duration.ofSeconds(5))
                    .build())
        .hasMessage("registerInterval: PT5S (expected: < registerTtl PT5S)");
    assertThatThrownBy(() -> HttpBroker.builder().registry(registry).port(70000).build())
        .hasMessage("port: 70000 (expected: 0-65535)");
  }
}
