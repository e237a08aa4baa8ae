package dev.vigil.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentRuntimeTest {
  @Test
  void resourceNamesTheInstanceWithTheConfigCenterNodeId() {
    Settings settings =
        Settings.parse(Map.of("vigil.service.name", "orders"), Map.of(), message -> {});
    String id =
        ConfigCenterSettings.instanceId(
            Map.of("vigil.config.instance", "orders 1"), Map.of(), "orders");

    List<Object> resource = List.of(AgentRuntime.resource(settings, id, "1.2.3"));

    assertThat(id).isEqualTo("orders-1");
    assertThat(pairs(resource))
        .containsEntry("service.name", "orders")
        .containsEntry("service.instance.id", "orders-1");
    assertThat(ConfigCenterSettings.instanceId(Map.of(), Map.of(), "orders"))
        .startsWith("orders@")
        .endsWith(":" + ProcessHandle.current().pid());
  }

  private static Map<Object, Object> pairs(List<Object> keysAndValues) {
    List<Map.Entry<Object, Object>> entries = new ArrayList<>();
    for (int i = 0; i + 1 < keysAndValues.size(); i += 2) {
      entries.add(Map.entry(keysAndValues.get(i), keysAndValues.get(i + 1)));
    }
    return Map.ofEntries(entries.toArray(Map.Entry[]::new));
  }
}
