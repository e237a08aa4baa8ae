package dev.vigil.framework.registry.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.framework.registry.Event;
import dev.vigil.framework.registry.Node;
import dev.vigil.framework.registry.Service;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleWireTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  static JsonNode json(String text) throws Exception {
    return ConsoleWire.MAPPER.readTree(text);
  }

  @Test
  void onlySelectableNodesAreReturnedWithTheConsolesWeight() throws Exception {
    JsonNode body =
        json(
            """
            {"service":"orders","index":9,"nodes":[
              {"id":"b","version":"1","address":"h:2","metadata":{"weight":"5","zone":"a"},
               "endpoints":[{"name":"Orders.Get","metadata":{}}],"weight":300,"selectable":true},
              {"id":"a","version":"1","address":"h:1","metadata":{},"endpoints":[],
               "weight":100,"selectable":true},
              {"id":"c","version":"2","address":"h:3","metadata":{},"endpoints":[],
               "weight":100,"selectable":false}]}
            """);
    List<Service> versions = ConsoleWire.versions("orders", body);
    assertThat(versions).hasSize(1);
    assertThat(versions.get(0).nodes()).extracting(Node::id).containsExactly("a", "b");
    assertThat(versions.get(0).nodes().get(1).metadata())
        .containsEntry(Node.WEIGHT, "300")
        .containsEntry("zone", "a");
  }

  @Test
  void diffEventsApplyToTheOldStateGiveTheNewState() {
    Service v1 = new Service("s", "1", Map.of(), List.of(), List.of(new Node("a", "h:1")));
    Service v1b =
        new Service(
            "s", "1", Map.of(), List.of(), List.of(new Node("a", "h:1"), new Node("b", "h:2")));
    Service v2 = new Service("s", "2", Map.of(), List.of(), List.of(new Node("c", "h:3")));
    Service v3 = new Service("s", "3", Map.of(), List.of(), List.of(new Node("d", "h:4")));
    List<Service> before = List.of(v1, v2);
    List<Service> after = List.of(v1b, v3);

    List<Event> events = ConsoleWire.diff(before, after, NOW);
    assertThat(events)
        .extracting(Event::type)
        .containsExactlyInAnyOrder(Event.Type.UPDATE, Event.Type.CREATE, Event.Type.DELETE);
    List<Service> applied = before;
    for (Event e : events) {
      applied = e.applyTo(applied);
    }
    assertThat(applied).containsExactlyInAnyOrderElementsOf(after);
    assertThat(ConsoleWire.diff(after, after, NOW)).isEmpty();
  }

  @Test
  void cacheFileFormRoundTrips() {
    Service s =
        new Service(
            "s",
            "1",
            Map.of("team", "x"),
            List.of(new dev.vigil.framework.registry.Endpoint("S.Get", Map.of("k", "v"))),
            List.of(new Node("a", "h:1", Map.of("weight", "7"))));
    assertThat(ConsoleWire.fromJson("s", ConsoleWire.toJson(List.of(s)))).containsExactly(s);
  }

  @Test
  void ttlBecomesWholeSecondsTheConsoleAccepts() {
    assertThat(ConsoleWire.ttlSeconds(Duration.ZERO)).isEqualTo(3600);
    assertThat(ConsoleWire.ttlSeconds(Duration.ofMillis(1500))).isEqualTo(2);
    assertThat(ConsoleWire.ttlSeconds(Duration.ofMillis(10))).isEqualTo(1);
    assertThat(ConsoleWire.ttlSeconds(Duration.ofHours(3))).isEqualTo(3600);
  }

  @Test
  void builderRefusesBadSettingsNamingThem() {
    assertThatThrownBy(() -> ConsoleRegistry.builder().url("ftp://x").build())
        .hasMessageStartingWith("url: \"ftp://x\"");
    assertThatThrownBy(() -> ConsoleRegistry.builder().url("http://x:1").build())
        .hasMessageStartingWith("token: not set");
    assertThatThrownBy(() -> ConsoleRegistry.builder().wait(Duration.ofMinutes(6)))
        .hasMessage("wait: PT6M (expected: 1ms..5m)");
    assertThatThrownBy(() -> ConsoleRegistry.builder().cacheName("../etc"))
        .hasMessageStartingWith("cacheName: \"../etc\"");
  }

  @Test
  void lookupOfAnUnknownServiceWithTheConsoleDownFails() {
    try (ConsoleRegistry registry =
        ConsoleRegistry.builder()
            .url("http://127.0.0.1:1")
            .token("t0ken")
            .requestTimeout(Duration.ofMillis(200))
            .build()) {
      assertThatThrownBy(() -> registry.getService("nowhere"))
          .isInstanceOf(dev.vigil.framework.errors.FrameworkException.class)
          .hasMessageContaining("console unreachable");
    }
  }
}
