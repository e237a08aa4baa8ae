package dev.vigil.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigCenterSettingsTest {
  final List<String> warnings = new ArrayList<>();

  @Test
  void offWithoutAUrl() {
    assertThat(ConfigCenterSettings.configured(Map.of(), Map.of())).isFalse();
    assertThat(ConfigCenterSettings.parse(Map.of(), Map.of(), "orders", warnings::add)).isNull();
  }

  @Test
  void readsPropertiesThenEnvironmentWithDocumentedDefaults() {
    ConfigCenterSettings s =
        ConfigCenterSettings.parse(
            Map.of("vigil.config.url", "http://c1:8080/, http://c2:8080"),
            Map.of("VIGIL_TOKEN", "t0k"),
            "orders",
            warnings::add);
    assertThat(s.urls)
        .extracting(Object::toString)
        .containsExactly("http://c1:8080", "http://c2:8080");
    assertThat(s.env).isEqualTo("prod");
    assertThat(s.token).isEqualTo("t0k");
    assertThat(s.waitMillis).isEqualTo(30_000);
    assertThat(s.instance).startsWith("orders@").endsWith(":" + ProcessHandle.current().pid());
    assertThat(s.serviceLabel).isEqualTo("orders");

    ConfigCenterSettings e =
        ConfigCenterSettings.parse(
            Map.of("vigil.token", "collector"),
            Map.of(
                "VIGIL_CONFIG_URL", "https://console",
                "VIGIL_CONFIG_ENV", "staging",
                "VIGIL_CONFIG_TOKEN", "cfg",
                "VIGIL_CONFIG_INSTANCE", "orders-1"),
            "orders",
            warnings::add);
    assertThat(e.env).isEqualTo("staging");
    assertThat(e.token).isEqualTo("cfg");
    assertThat(e.instance).isEqualTo("orders-1");
    assertThat(warnings).isEmpty();
  }

  @Test
  void aBadUrlTurnsTheFeatureOffWithOneLine() {
    assertThat(
            ConfigCenterSettings.parse(
                Map.of("vigil.config.url", "console:8080"), Map.of(), "orders", warnings::add))
        .isNull();
    assertThat(warnings).singleElement().asString().contains("vigil.config.url: console:8080");
  }

  @Test
  void nodeIdsKeepOnlyWhatTheConsoleAccepts() {
    assertThat(ConfigCenterSettings.nodeId("unknown_service:java@host one:12"))
        .isEqualTo("unknown_service:java@host-one:12");
    assertThat(ConfigCenterSettings.nodeId("_x/y")).isEqualTo("x-y");
    assertThat(ConfigCenterSettings.nodeId("///")).isEqualTo("agent");
  }
}
