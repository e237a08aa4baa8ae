package dev.vigil.framework;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.framework.TestModels.Event;
import dev.vigil.framework.config.ConfigKeys;
import dev.vigil.framework.registry.MemoryRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Publish and subscribe between services through each built-in broker, chosen by configuration:
 * memory (the JVM-wide default), http (over the registry) and nats (the real server on
 * 127.0.0.1:4222, see {@code bin/ensure-services}).
 */
class PubSubIntegrationTest {

  @ParameterizedTest
  @ValueSource(strings = {"memory", "http", "nats"})
  void queueGroupMembersSplitMessagesAndOtherSubscribersGetEach(String broker) throws Exception {
    String topic = "greetings-" + UUID.randomUUID().toString().substring(0, 8);
    MemoryRegistry registry = new MemoryRegistry();
    List<Service> services = new ArrayList<>();
    try {
      List<String> groupA = new CopyOnWriteArrayList<>();
      List<String> groupB = new CopyOnWriteArrayList<>();
      List<String> everyone = new CopyOnWriteArrayList<>();
      List<String> traces = new CopyOnWriteArrayList<>();
      for (List<String> sink : List.of(groupA, groupB)) {
        Service audit = build(broker, registry, "audit", services);
        audit.subscribe(
            topic,
            Event.class,
            "audit",
            e -> {
              sink.add(e.text());
              traces.add(CallContext.current().orElseThrow().metadata().getOrNull("traceparent"));
            });
        audit.start();
      }
      Service monitor = build(broker, registry, "monitor", services);
      monitor.subscribe(topic, Event.class, null, e -> everyone.add(e.text()));
      monitor.start();
      Service publisher = build(broker, registry, "gateway", services).start();
      Thread.sleep(200); // let subscriptions propagate (NATS interest, HTTP broker registration)
      String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
      for (int i = 0; i < 20; i++) {
        publisher
            .client()
            .publish(topic, new Event("e" + i), Metadata.of("traceparent", traceparent));
      }
      long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while ((groupA.size() + groupB.size() < 20 || everyone.size() < 20)
          && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      Thread.sleep(100); // and no extra deliveries
      List<String> group = new ArrayList<>(groupA);
      group.addAll(groupB);
      assertThat(group).hasSize(20).doesNotHaveDuplicates();
      assertThat(groupA).isNotEmpty();
      assertThat(groupB).isNotEmpty();
      assertThat(everyone).hasSize(20);
      assertThat(traces).containsOnly(traceparent);
    } finally {
      for (int i = services.size() - 1; i >= 0; i--) {
        services.get(i).stop();
      }
      registry.close();
    }
  }

  private static Service build(
      String broker, MemoryRegistry registry, String name, List<Service> services) {
    Service s =
        Service.builder()
            .name(name)
            .environment(Map.of())
            .set(ConfigKeys.BROKER, broker)
            .set(ConfigKeys.TRANSPORT, "memory")
            .registry(registry)
            .build();
    services.add(s);
    return s;
  }
}
