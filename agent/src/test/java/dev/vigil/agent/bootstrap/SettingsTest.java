package dev.vigil.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SettingsTest {
  private final List<String> warnings = new ArrayList<>();

  @AfterEach
  void restoreDefaults() {
    LiveSettings.set(Settings.builder().build());
  }

  @Test
  void defaultsApplyWhenNothingIsSet() {
    Settings s = Settings.parse(Map.of(), Map.of(), warnings::add);
    assertThat(s.agentEnabled()).isTrue();
    assertThat(s.endpoint()).isEqualTo("http://127.0.0.1:4318");
    assertThat(s.samplerRatio()).isEqualTo(1.0);
    assertThat(s.queueSize()).isEqualTo(2048);
    assertThat(s.metricsIntervalMillis()).isEqualTo(10_000);
    assertThat(s.logLevel()).isEqualTo(LogLevels.INFO);
    assertThat(s.instrumentationEnabled("jdbc")).isTrue();
    assertThat(warnings).isEmpty();
  }

  @Test
  void systemPropertiesWinOverEnvironmentVariables() {
    Settings s =
        Settings.parse(
            Map.of("vigil.service.name", "orders"),
            Map.of(
                "VIGIL_SERVICE_NAME", "ignored",
                "VIGIL_COLLECTOR_ENDPOINT", "http://collector:4318/",
                "VIGIL_TOKEN", "s3cret",
                "VIGIL_INSTRUMENTATION_JAVA_HTTP_CLIENT_ENABLED", "false",
                "VIGIL_METRICS_INTERVAL", "2s",
                "VIGIL_LOG_LEVEL", "warn"),
            warnings::add);
    assertThat(s.serviceName()).isEqualTo("orders");
    assertThat(s.endpoint()).isEqualTo("http://collector:4318");
    assertThat(s.token()).isEqualTo("s3cret");
    assertThat(s.instrumentationEnabled("java-http-client")).isFalse();
    assertThat(s.metricsIntervalMillis()).isEqualTo(2000);
    assertThat(s.logLevel()).isEqualTo(LogLevels.WARN);
    assertThat(warnings).isEmpty();
  }

  @Test
  void badValuesAreReportedWithWhatWasExpectedAndFallBackToDefaults() {
    Settings s =
        Settings.parse(
            Map.of(
                "vigil.sampler.ratio", "1.5",
                "vigil.collector.endpoint", "collector:4318",
                "vigil.metrics.interval", "soon",
                "vigil.instrumentation.jdbc.enabled", "maybe",
                "vigil.log.level", "LOUD",
                "vigil.exporter.queue.size", "-1"),
            Map.of(),
            warnings::add);
    assertThat(s.samplerRatio()).isEqualTo(1.0);
    assertThat(s.endpoint()).isEqualTo(Settings.DEFAULT_ENDPOINT);
    assertThat(s.metricsIntervalMillis()).isEqualTo(10_000);
    assertThat(s.instrumentationEnabled("jdbc")).isTrue();
    assertThat(s.logLevel()).isEqualTo(LogLevels.INFO);
    assertThat(s.queueSize()).isEqualTo(2048);
    assertThat(warnings)
        .hasSize(6)
        .anySatisfy(
            w ->
                assertThat(w)
                    .isEqualTo("vigil.sampler.ratio: 1.5 (expected: 0.0 to 1.0); using 1.0"))
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith(
                        "vigil.instrumentation.jdbc.enabled: maybe (expected: true or false)"));
  }

  @Test
  void liveUpdateChangesSamplingAndSwitchesAndTellsListeners() {
    LiveSettings.set(
        Settings.parse(Map.of("vigil.service.name", "orders"), Map.of(), warnings::add));
    AtomicReference<Settings> seen = new AtomicReference<>();
    LiveSettings.addListener(seen::set);
    Settings next =
        LiveSettings.update(
            Map.of(
                "vigil.sampler.ratio", "0.01",
                "vigil.instrumentation.jdbc.enabled", "false",
                "vigil.service.name", "renamed"));
    assertThat(next.samplerRatio()).isEqualTo(0.01);
    assertThat(LiveSettings.enabled("jdbc")).isFalse();
    assertThat(next.serviceName()).isEqualTo("orders");
    assertThat(seen.get()).isSameAs(next);
    assertThat(LiveSettings.get()).isSameAs(next);
  }

  @Test
  void aBadLiveValueKeepsTheOldOne() {
    LiveSettings.set(Settings.builder().samplerRatio(0.5).build());
    LiveSettings.update(Map.of("vigil.sampler.ratio", "lots"));
    assertThat(LiveSettings.get().samplerRatio()).isEqualTo(0.5);
  }
}
