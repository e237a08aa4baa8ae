package dev.vigil.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveConfigKeysTest {
  final Settings startup =
      Settings.builder().samplerRatio(0.5).instrumentation("jdbc", true).build();
  final List<String> warnings = new ArrayList<>();

  @Test
  void mapsTheDocumentedKeysToRunTimeOverrides() {
    LiveConfigKeys keys = new LiveConfigKeys(startup);
    Map<String, String> changes =
        keys.changes(
            Map.of(
                "sampler.ratio", "0",
                "instrumentation.jdbc.enabled", "false",
                "log.level", "warn",
                "metrics.interval", "5s"),
            startup,
            warnings::add);
    assertThat(warnings).isEmpty();
    assertThat(changes)
        .containsEntry("vigil.sampler.ratio", "0")
        .containsEntry("vigil.instrumentation.jdbc.enabled", "false")
        .containsEntry("vigil.log.level", "warn")
        .containsEntry("vigil.metrics.interval", "5s");
    Settings applied = startup.withOverrides(changes, warnings::add);
    assertThat(applied.samplerRatio()).isZero();
    assertThat(applied.instrumentationEnabled("jdbc")).isFalse();
    assertThat(applied.metricsIntervalMillis()).isEqualTo(5000);
  }

  @Test
  void aBadValueIsReportedOnceAndLeftOut() {
    LiveConfigKeys keys = new LiveConfigKeys(startup);
    assertThat(keys.changes(Map.of("sampler.ratio", "1.5"), startup, warnings::add)).isEmpty();
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).isEqualTo("sampler.ratio: 1.5 (expected: 0.0 to 1.0); keeping 0.5");
    assertThat(keys.changes(Map.of("sampler.ratio", "1.5"), startup, warnings::add)).isEmpty();
    assertThat(warnings).hasSize(1);
    assertThat(keys.changes(Map.of("sampler.ratio", "0.1"), startup, warnings::add))
        .containsExactly(Map.entry("vigil.sampler.ratio", "0.1"));
  }

  @Test
  void unknownKeysAreReportedOnce() {
    LiveConfigKeys keys = new LiveConfigKeys(startup);
    keys.changes(Map.of("instrumentation.grpc.enabled", "true"), startup, warnings::add);
    keys.changes(Map.of("instrumentation.grpc.enabled", "true"), startup, warnings::add);
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains("not a live agent setting");
  }

  @Test
  void onlyChangedKeysAreReturnedAndRemovedKeysGoBackToTheirStartUpValue() {
    LiveConfigKeys keys = new LiveConfigKeys(startup);
    keys.changes(
        Map.of("sampler.ratio", "0", "instrumentation.jdbc.enabled", "false"),
        startup,
        warnings::add);
    assertThat(
            keys.changes(
                Map.of("sampler.ratio", "0", "instrumentation.jdbc.enabled", "false"),
                startup,
                warnings::add))
        .isEmpty();
    assertThat(keys.changes(Map.of("sampler.ratio", "0"), startup, warnings::add))
        .containsExactly(Map.entry("vigil.instrumentation.jdbc.enabled", "true"));
    assertThat(keys.changes(Map.of(), startup, warnings::add))
        .containsExactly(Map.entry("vigil.sampler.ratio", "0.5"));
  }
}
