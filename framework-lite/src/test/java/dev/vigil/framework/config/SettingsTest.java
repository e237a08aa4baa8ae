package dev.vigil.framework.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @TempDir Path dir;

  @Test
  void environmentBeatsFileWhichBeatsCodeWhichBeatsDefaults() throws IOException {
    Path file = dir.resolve("vigil.properties");
    Files.writeString(
        file, "vigil.client.timeout=2s\nvigil.client.retries=3\nvigil.service.version=file\n");
    Settings code =
        Settings.of(
            Map.of(
                "vigil.client.timeout", "1s",
                "vigil.service.version", "code",
                "vigil.service.name", "greeter",
                "vigil.config.file", file.toString()));
    Settings s = Settings.load(code, Map.of("VIGIL_CLIENT_TIMEOUT", "3s", "UNRELATED", "x"));
    assertThat(s.getDuration(ConfigKeys.CLIENT_TIMEOUT, Duration.ofSeconds(5)))
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(s.source(ConfigKeys.CLIENT_TIMEOUT)).contains("VIGIL_CLIENT_TIMEOUT");
    assertThat(s.getInt(ConfigKeys.CLIENT_RETRIES, 1, 0, 10)).isEqualTo(3);
    assertThat(s.getString(ConfigKeys.SERVICE_VERSION, "latest")).isEqualTo("file");
    assertThat(s.getString(ConfigKeys.SERVICE_NAME, "?")).isEqualTo("greeter");
    assertThat(s.getDuration(ConfigKeys.REGISTER_TTL, Duration.ofSeconds(30)))
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void configFileCanBeNamedInTheEnvironment() throws IOException {
    Path file = dir.resolve("env.properties");
    Files.writeString(file, "vigil.broker=nats\n");
    Settings s = Settings.load(Settings.empty(), Map.of("VIGIL_CONFIG_FILE", file.toString()));
    assertThat(s.get(ConfigKeys.BROKER)).contains("nats");
    assertThat(s.source(ConfigKeys.BROKER)).contains(file.toString());
  }

  @Test
  void missingConfigFileIsAnErrorNamingIt() {
    assertThatThrownBy(
            () ->
                Settings.load(Settings.empty(), Map.of("VIGIL_CONFIG_FILE", "/nonexistent.props")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "vigil.config.file: \"/nonexistent.props\" (expected: a readable .properties file");
  }

  @Test
  void durationsAcceptUnitsAndIso8601() {
    assertThat(Settings.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Settings.parseDuration("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Settings.parseDuration("1m")).isEqualTo(Duration.ofMinutes(1));
    assertThat(Settings.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(Settings.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(Settings.parseDuration("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Settings.parseDuration("fast")).isNull();
    assertThat(Settings.parseDuration("5")).isNull();
  }

  @Test
  void badValuesNameTheKeyTheValueItsSourceAndWhatWasExpected() {
    Settings s =
        Settings.load(
            Settings.of(Map.of("vigil.client.retries", "many")),
            Map.of("VIGIL_CLIENT_TIMEOUT", "fast", "VIGIL_SELECTOR_STRATEGY", "fastest"));
    assertThatThrownBy(() -> s.getDuration(ConfigKeys.CLIENT_TIMEOUT, Duration.ofSeconds(5)))
        .hasMessage(
            "vigil.client.timeout: \"fast\" from VIGIL_CLIENT_TIMEOUT (expected: a duration such"
                + " as 250ms, 5s or 1m)");
    assertThatThrownBy(() -> s.getInt(ConfigKeys.CLIENT_RETRIES, 1, 0, 10))
        .hasMessage("vigil.client.retries: \"many\" from code (expected: an integer in 0..10)");
    assertThatThrownBy(
            () ->
                s.getChoice(
                    ConfigKeys.SELECTOR_STRATEGY, "round-robin", List.of("random", "round-robin")))
        .hasMessage(
            "vigil.selector.strategy: \"fastest\" from VIGIL_SELECTOR_STRATEGY (expected: one of"
                + " random, round-robin)");
    assertThatThrownBy(() -> s.require(ConfigKeys.SERVICE_NAME, "a service name"))
        .hasMessage(
            "vigil.service.name: missing (expected: a service name; set it in code, in the config"
                + " file or as VIGIL_SERVICE_NAME)");
  }

  @Test
  void everyDocumentedKeyHasAnEnvironmentName() {
    assertThat(ConfigKeys.envName("vigil.server.max-request-bytes"))
        .isEqualTo("VIGIL_SERVER_MAX_REQUEST_BYTES");
    assertThat(ConfigKeys.ALL).extracting(ConfigKeys.Key::name).doesNotHaveDuplicates();
    assertThat(ConfigKeys.ALL)
        .allSatisfy(k -> assertThat(k.envName()).startsWith("VIGIL_").doesNotContain(".", "-"));
  }
}
